using System.Globalization;
using FhirPractice.Hl7v2.Er7;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// ORU^R01 (structure ORU_R01) for one DiagnosticReport version, the IG's OBR[DiagnosticReport] and OBX[Observation]
/// tables reversed: MSH, PID (the report's patient), ORC (RE), OBR, then per result held here an OBX, each followed by
/// an NTE per note.
/// </summary>
internal static class OruMessage
{
    public static Er7Message Build(Er7Message m, DiagnosticReport report, Patient patient, IReadOnlyList<Observation> results, string serverAuthority)
    {
        PidSegment.Write(m, patient, serverAuthority);

        m.Set("ORC-1", "RE");
        V2Fields.FillerNumber(m, "ORC-3", report.Identifier, report.Id, serverAuthority);
        V2Fields.FillerNumber(m, "OBR-3", report.Identifier, report.Id, serverAuthority);
        m.Set("OBR-1", "1");
        V2Fields.Cwe(m, "OBR-4", report.Code);
        m.Set("OBR-7", Effective(report.Effective));
        if (report.Issued is { } issued) m.Set("OBR-22", V2Fields.Dtm(issued));
        m.Set("OBR-25", Status(report.Status?.ToString()));

        var obx = 0;
        var nte = 0;
        foreach (var result in results)
        {
            obx++;
            var at = $"OBX({obx})";
            m.Set($"{at}-1", obx.ToString(CultureInfo.InvariantCulture));
            V2Fields.Cwe(m, $"{at}-3", result.Code);
            Value(m, at, result.Value);
            if (result.ReferenceRange.FirstOrDefault() is { } range) m.Set($"{at}-7", Range(range));
            var flag = 0;
            foreach (var interpretation in result.Interpretation.SelectMany(i => i.Coding))
                m.Set($"{at}-8({++flag})", interpretation.Code);
            m.Set($"{at}-11", Status(result.Status?.ToString()));
            m.Set($"{at}-14", Effective(result.Effective));
            foreach (var note in result.Note.Where(n => !string.IsNullOrEmpty(n.Text)))
            {
                nte++;
                m.Set($"NTE({nte})-1", nte.ToString(CultureInfo.InvariantCulture));
                m.Set($"NTE({nte})-3", note.Text);
            }
        }
        return m;
    }

    /// <summary>OBX-2 and OBX-5 (and OBX-6 for a quantity) by the type of value[x]; a value with no v2 form is left out.</summary>
    private static void Value(Er7Message m, string at, DataType? value)
    {
        switch (value)
        {
            case Quantity { Value: { } number } quantity:
                m.Set($"{at}-2", "NM");
                m.Set($"{at}-5", number.ToString(CultureInfo.InvariantCulture));
                if (quantity.Code is { } code)
                {
                    m.Set($"{at}-6-1", code);
                    m.Set($"{at}-6-2", quantity.Unit ?? code);
                    m.Set($"{at}-6-3", V2Fields.CodingSystem(quantity.System));
                }
                else m.Set($"{at}-6-1", quantity.Unit);
                break;
            case CodeableConcept concept:
                m.Set($"{at}-2", "CWE");
                V2Fields.Cwe(m, $"{at}-5", concept);
                break;
            case FhirString { Value: { } text }:
                m.Set($"{at}-2", "ST");
                m.Set($"{at}-5", text);
                break;
            case Integer { Value: { } whole }:
                m.Set($"{at}-2", "NM");
                m.Set($"{at}-5", whole.ToString(CultureInfo.InvariantCulture));
                break;
            case FhirDateTime { Value: { } when }:
                m.Set($"{at}-2", "DTM");
                m.Set($"{at}-5", V2Fields.Dtm(when));
                break;
        }
    }

    private static string? Effective(DataType? effective) => effective switch
    {
        FhirDateTime at => V2Fields.Dtm(at.Value),
        Period period => V2Fields.Dtm(period.Start),
        Instant { Value: { } instant } => V2Fields.Dtm(instant),
        _ => null,
    };

    /// <summary>OBX-7 as v2 writes a range: low-high, &gt;low or &lt;high, else the range's text.</summary>
    private static string? Range(Observation.ReferenceRangeComponent range)
    {
        static string? Of(Quantity? q) => q?.Value?.ToString(CultureInfo.InvariantCulture);
        return (Of(range.Low), Of(range.High)) switch
        {
            ({ } low, { } high) => $"{low}-{high}",
            ({ } low, null) => $">{low}",
            (null, { } high) => $"<{high}",
            _ => range.Text,
        };
    }

    /// <summary>A report's or result's status as OBR-25/OBX-11 (tables 0123, 0085; the IG's maps reversed).</summary>
    private static string? Status(string? fhir) => fhir switch
    {
        "Final" => "F",
        "Preliminary" or "Partial" or "Registered" => "P",
        "Amended" or "Corrected" or "Appended" => "C",
        "Cancelled" => "X",
        "EnteredInError" => "W",
        _ => null,
    };
}
