namespace FhirPractice.Hl7v2.Inbound;

public sealed class InboundOptions
{
    /// <summary>
    /// MSH-11 processing ids accepted (HL7 table 0103), comma-separated; others get AR with code 202.
    /// Production only by default, so training and debugging messages never reach the records.
    /// </summary>
    public string ProcessingIds { get; set; } = "P";

    public IReadOnlyList<string> AcceptedProcessingIds =>
        ProcessingIds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
