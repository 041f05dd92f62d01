using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// OML O21 (laboratory order) and OMG O19 (general clinical order), after the IG's OML_O21 message map: per
/// order group ([ORC] OBR …) a ServiceRequest (IG ORC/OBR[ServiceRequest]) with the NTEs after the OBR as
/// notes, the Specimens of its SPMs (IG SPM[Specimen]) and the OBXs of the group — observations the order
/// comes with, not its results — as Observations in supportingInfo. The patient is created when unknown.
/// </summary>
internal static class LabOrderMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("OBR");
        foreach (var group in ResultMapping.OrderGroups(context))
        {
            var reference = ServiceRequestMapping.Map(group.Orc, group.Obr, context);
            var request = context.Transaction.Resource<ServiceRequest>(reference);
            var groupKey = ResultMapping.GroupKey(group, context);
            request.Note.AddRange(NoteMapping.Leading(group.Rest));                                  // NTE after the OBR
            var orderTime = context.Dates.DateTime(group.Obr.Field(7));
            for (var i = 0; i < group.Rest.Count; i++)
            {
                var segment = group.Rest[i];
                if (segment.Id == "OBX")
                    request.SupportingInfo.Add(ObservationMapping.Map(segment, context, [.. groupKey, "order"], orderTime, NoteMapping.Leading(group.Rest.Skip(i + 1))));
                else if (segment.Id == "SPM" && SpecimenMapping.FromSpm(segment, context, string.Join("|", groupKey), reference) is { } specimen)
                    request.Specimen.Add(specimen);
            }
        }
    }
}
