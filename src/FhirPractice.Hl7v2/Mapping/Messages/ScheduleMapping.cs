using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// SIU S12 (new), S13 (rescheduled), S14 (modified), S15 (cancelled), S16 (discontinued), S17 (deleted) and
/// S26 (no show), after the IG's
/// SIU_S12 message map: SCH and its resource segments → Appointment and Slot. The patient is created when unknown.
/// </summary>
internal static class ScheduleMapping
{
    public static async Task MapAsync(MappingContext context, CancellationToken ct)
    {
        var sch = context.Require("SCH");
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        AppointmentMapping.Map(sch, context, context.Header[9, 2]!);
    }
}
