using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>OBR to DiagnosticReport (IG OBR[DiagnosticReport]).</summary>
internal static class DiagnosticReportMapping
{
    // IG concept map ResultStatus[Non-Queries] (HL7 table 0123).
    private static readonly Dictionary<string, DiagnosticReport.DiagnosticReportStatus> Statuses = new()
    {
        ["O"] = DiagnosticReport.DiagnosticReportStatus.Registered, ["I"] = DiagnosticReport.DiagnosticReportStatus.Registered,
        ["S"] = DiagnosticReport.DiagnosticReportStatus.Registered, ["A"] = DiagnosticReport.DiagnosticReportStatus.Partial,
        ["P"] = DiagnosticReport.DiagnosticReportStatus.Preliminary, ["C"] = DiagnosticReport.DiagnosticReportStatus.Corrected,
        ["R"] = DiagnosticReport.DiagnosticReportStatus.Partial, ["F"] = DiagnosticReport.DiagnosticReportStatus.Final,
        ["X"] = DiagnosticReport.DiagnosticReportStatus.Cancelled, ["M"] = DiagnosticReport.DiagnosticReportStatus.Corrected,
        ["N"] = DiagnosticReport.DiagnosticReportStatus.Partial,
    };

    /// <summary>The report of an OBR with its results, matched by the filler order number, else the placer's, else <paramref name="groupKey"/>.</summary>
    public static ResourceReference Map(V2Segment obr, MappingContext context, Identifier? placer, Identifier? filler, string?[] groupKey,
        ResourceReference request, List<ResourceReference> results, List<ResourceReference> specimens)
    {
        var dates = context.Dates;
        var report = new DiagnosticReport
        {
            Subject = context.Patient,
            Encounter = context.Encounter,
            BasedOn = [request],
            Code = Codes.FromCwe(obr.Required(4, "Universal Service Identifier"))!,                // OBR-4
            Status = obr[25] is { } status && Statuses.TryGetValue(status, out var s) ? s : DiagnosticReport.DiagnosticReportStatus.Unknown, // OBR-25
            Result = results,
            Specimen = specimens,
        };
        var start = dates.DateTime(obr.Field(7));                                                  // OBR-7
        var end = dates.DateTime(obr.Field(8));                                                    // OBR-8
        report.Effective = end is null ? start : new Period(start, end);
        if (obr.Field(22) is { } reported) report.IssuedElement = dates.Instant(reported);         // OBR-22
        if (Codes.FromCwe(obr.Field(24), Codes.V2Table("0074")) is { } section) report.Category.Add(section); // OBR-24
        foreach (var xcn in obr.Repetitions(32))                                                   // OBR-32
            if (Practitioners.Reference(xcn.Part(1).IsEmpty ? null : xcn.Part(1), context) is { } interpreter) report.ResultsInterpreter.Add(interpreter);
        if (filler is not null) report.Identifier.Add(filler);
        if (placer is not null) report.Identifier.Add(placer);

        return (filler ?? placer) is { } identifier
            ? context.Transaction.PutByIdentifier(report, identifier)
            : context.Transaction.PutByKey(report, groupKey);
    }
}
