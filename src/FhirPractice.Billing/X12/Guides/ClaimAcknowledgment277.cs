namespace FhirPractice.Billing.X12.Guides;

/// <summary>The loops of the 277CA claim acknowledgment, 005010X214 (HL levels 20 source, 21 receiver, 19 provider, PT patient).</summary>
public static class ClaimAcknowledgment277
{
    public const string Implementation = "005010X214";

    private static readonly X12LoopSpec PatientLevel = new("2000D", "HL", 3, ["PT"], [],
        new X12LoopSpec("2100D", "NM1", 1, ["QC"], []),
        new X12LoopSpec("2200D", "TRN", ["STC", "REF", "DTP"],
            new X12LoopSpec("2220D", "SVC", ["STC", "REF", "DTP"])));

    public static readonly X12TransactionSpec Spec = new("277", Implementation, new X12LoopSpec("header", "ST", ["BHT"],
        new X12LoopSpec("2000A", "HL", 3, ["20"], [],
            new X12LoopSpec("2100A", "NM1", 1, ["PR", "AY"], ["TRN", "DTP"]),
            new X12LoopSpec("2000B", "HL", 3, ["21"], [],
                new X12LoopSpec("2100B", "NM1", 1, ["41"], []),
                new X12LoopSpec("2200B", "TRN", ["STC", "QTY", "AMT"]),
                new X12LoopSpec("2000C", "HL", 3, ["19"], [],
                    new X12LoopSpec("2100C", "NM1", 1, ["85"], []),
                    new X12LoopSpec("2200C", "TRN", ["STC", "REF", "QTY", "AMT"]),
                    PatientLevel)))));
}
