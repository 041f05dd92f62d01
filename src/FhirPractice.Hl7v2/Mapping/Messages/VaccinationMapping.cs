using FhirPractice.Hl7v2.Mapping.Datatypes;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// VXU V04 (vaccination record update), after the IG's VXU_V04 message map: an Immunization per ORC/RXA
/// group (with its RXR). The patient is created when unknown.
/// </summary>
internal static class VaccinationMapping
{
    public static async Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await Segments.PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("RXA");
        V2Segment? orc = null;
        for (var i = 0; i < context.Segments.Count; i++)
        {
            var segment = context.Segments[i];
            if (segment.Id == "ORC") orc = segment;
            if (segment.Id != "RXA") continue;
            var rxr = context.Segments.Skip(i + 1).TakeWhile(s => s.Id is not ("ORC" or "RXA")).FirstOrDefault(s => s.Id == "RXR");
            Segments.ImmunizationMapping.Map(orc, segment, rxr, context);
            orc = null;
        }
    }
}
