using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// OUL R22 (specimen-oriented results), R23 (specimen container-oriented) and R24 (order-oriented), mapped
/// like ORU R01 once their groups are put in ORU's shape: an OBR with the ORC that follows it in OUL, its
/// OBXs and NTEs, and its SPMs — in R22/R23 the SPM that precedes the OBRs (specimen first), in R24 the SPMs
/// inside the order. OBXs before any OBR are observations of the patient (after an SPM: of the specimen)
/// with no report; OBXs without OBX-3 (the content of a TXA) are skipped with a warning. The patient is
/// created when unknown.
/// </summary>
internal static class SpecimenResultMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("OBR");
        var specimenFirst = context.Header[9, 2] != "R24";
        V2Segment? specimen = null;
        (V2Segment Obr, V2Segment? Orc, List<V2Segment> Members)? order = null;
        var groups = new List<ResultMapping.OrderGroup>();
        foreach (var segment in context.Segments)
        {
            switch (segment.Id)
            {
                case "OBX" when segment.Field(3) is null:
                    // OUL carries the content of its TXA documents as OBXs without an identifier: no observation.
                    context.Warn(segment.At(3), "OBX without OBX-3 (observation identifier, e.g. content of a TXA) is not mapped");
                    break;
                case "SPM" when specimenFirst:
                    Close();
                    specimen = segment;
                    break;
                case "OBR":
                    Close();
                    order = (segment, null, specimenFirst && specimen is not null ? [specimen] : []);
                    break;
                case "ORC" when order is { Orc: null } open && !open.Members.Any(s => s.Id == "OBX"):
                    order = open with { Orc = segment };
                    break;
                case "OBX" when order is null:
                    var key = specimen is null ? [.. context.PatientKey, "patient"] : new[] { context.PatientKey[0], context.PatientKey[1], "specimen", specimen[2] };
                    ObservationMapping.Map(segment, context, key, null, []);
                    break;
                default:
                    order?.Members.Add(segment);
                    break;
            }
        }
        Close();
        foreach (var group in groups) ResultMapping.MapGroup(group, context);

        void Close()
        {
            if (order is { } o) groups.Add(new ResultMapping.OrderGroup(o.Orc, o.Obr, o.Members));
            order = null;
        }
    }
}
