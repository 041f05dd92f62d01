using FhirPractice.Hl7v2.Mapping.Datatypes;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// VXU V04 (vaccination record update), after the IG's VXU_V04 message map: an Immunization per ORC/RXA
/// group (with its RXR), what the group's OBX say of it (<see cref="Segments.ImmunizationObservations"/>), and an
/// Observation of the patient for each OBX before the first order (PERSON_OBSERVATION). The patient is created when unknown.
/// </summary>
internal static class VaccinationMapping
{
    public static async Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await Segments.PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("RXA");
        V2Segment? orc = null;
        Segments.ImmunizationObservations? group = null;
        for (var i = 0; i < context.Segments.Count; i++)
        {
            var segment = context.Segments[i];
            var notes = segment.Id == "OBX" ? Segments.NoteMapping.Leading(context.Segments.Skip(i + 1)) : [];
            switch (segment.Id)
            {
                case "ORC":
                    group?.Complete();
                    (orc, group) = (segment, null);
                    break;
                case "RXA":
                    group?.Complete();
                    var rxr = context.Segments.Skip(i + 1).TakeWhile(s => s.Id is not ("ORC" or "RXA")).FirstOrDefault(s => s.Id == "RXR");
                    group = new Segments.ImmunizationObservations(Segments.ImmunizationMapping.Map(orc, segment, rxr, context), context);
                    orc = null;
                    break;
                case "OBX" when group is not null:
                    group.Add(segment, notes);
                    break;
                case "OBX" when orc is null:
                    Segments.ObservationMapping.Map(segment, context, [.. context.PatientKey, "vxu"], null, notes);
                    break;
            }
        }
        group?.Complete();
    }
}
