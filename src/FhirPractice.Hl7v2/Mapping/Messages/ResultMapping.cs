using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ORU R01 (unsolicited results), after the IG's ORU_R01 message map: for each order group ([ORC] OBR
/// {OBX [NTE]} [SPM]), a ServiceRequest (ORC/OBR), a DiagnosticReport (OBR), an Observation per OBX and a
/// Specimen (SPM, or OBR-15 before v2.5). The patient is created when unknown, not updated.
/// </summary>
internal static class ResultMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("OBR");
        foreach (var group in OrderGroups(context)) MapGroup(group, context);
    }

    /// <summary>An ORC (if any), its OBR and the segments up to the next ORC or OBR.</summary>
    internal sealed record OrderGroup(V2Segment? Orc, V2Segment Obr, List<V2Segment> Rest);

    internal static IEnumerable<OrderGroup> OrderGroups(MappingContext context)
    {
        V2Segment? orc = null;
        OrderGroup? group = null;
        foreach (var segment in context.Segments)
        {
            switch (segment.Id)
            {
                case "ORC":
                    if (group is not null) { yield return group; group = null; }
                    orc = segment;
                    break;
                case "OBR":
                    if (group is not null) yield return group;
                    group = new OrderGroup(orc, segment, []);
                    orc = null;
                    break;
                default:
                    group?.Rest.Add(segment);
                    break;
            }
        }
        if (group is not null) yield return group;
    }

    /// <summary>What identifies an order group across messages: its filler order number, else the placer's, else the patient and what was ordered when.</summary>
    internal static string?[] GroupKey(OrderGroup group, MappingContext context)
    {
        var (placer, filler) = ServiceRequestMapping.OrderNumbers(group.Orc, group.Obr, context);
        return filler is not null ? [filler.System, filler.Value]
            : placer is not null ? [placer.System, placer.Value]
            : [.. context.PatientKey, group.Obr[4], group.Obr[7], group.Obr[1]];
    }

    /// <summary>The ServiceRequest, Observations, Specimens and DiagnosticReport of one order group.</summary>
    internal static void MapGroup(OrderGroup group, MappingContext context)
    {
        var (placer, filler) = ServiceRequestMapping.OrderNumbers(group.Orc, group.Obr, context);
        var groupKey = GroupKey(group, context);
        var orderKey = string.Join("|", groupKey);
        var request = ServiceRequestMapping.Map(group.Orc, group.Obr, context);
        var orderTime = context.Dates.DateTime(group.Obr.Field(7));

        var results = new List<ResourceReference>();
        var specimens = new List<ResourceReference>();
        for (var i = 0; i < group.Rest.Count; i++)
        {
            var segment = group.Rest[i];
            if (segment.Id == "OBX")
            {
                results.Add(ObservationMapping.Map(segment, context, groupKey, orderTime, NoteMapping.Leading(group.Rest.Skip(i + 1))));
            }
            else if (segment.Id == "SPM" && SpecimenMapping.FromSpm(segment, context, orderKey, request) is { } specimen)
                specimens.Add(specimen);
        }
        if (specimens.Count == 0 && SpecimenMapping.FromObr(group.Obr, context, orderKey, request) is { } source) specimens.Add(source);
        DiagnosticReportMapping.Map(group.Obr, context, placer, filler, groupKey, request, results, specimens);
    }
}
