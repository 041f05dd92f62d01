using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// SIU S12 (new), S13 (rescheduled), S14 (modified), S15 (cancelled), S16 (discontinued), S17 (deleted) and
/// S26 (no show), after the IG's
/// SIU_S12 message map: SCH and its resource segments → Appointment and Slot; in the PATIENT group, each OBX an
/// Observation of the patient and each DG1 a Condition, the reason for the appointment. The patient is created when unknown.
/// </summary>
internal static class ScheduleMapping
{
    private static readonly string[] PatientGroup = ["PD1", "PV1", "PV2", "OBX", "NTE", "DG1", "ARV", "ROL"];

    public static async Task MapAsync(MappingContext context, CancellationToken ct)
    {
        var sch = context.Require("SCH");
        var pid = context.Require("PID");
        await PatientMapping.MapAsync(pid, context, updates: false, ct);
        var appointment = AppointmentMapping.Map(sch, context, context.Header[9, 2]!);
        var members = context.Following(pid, PatientGroup).ToList();
        for (var i = 0; i < members.Count; i++)
            switch (members[i].Id)
            {
                case "OBX":                                                                       // IG SIU_S12.PATIENT.OBX: OBX[Observation]
                    ObservationMapping.Map(members[i], context, [context.Transaction.Url(appointment), "siu"], null, NoteMapping.Leading(members.Skip(i + 1)));
                    break;
                case "DG1" when ConditionMapping.Map(members[i], context, null) is { } condition: // IG SIU_S12.PATIENT.DG1: DG1[Condition]
                    context.Transaction.Resource<Hl7.Fhir.Model.Appointment>(appointment).ReasonReference.Add(condition);
                    break;
            }
    }
}
