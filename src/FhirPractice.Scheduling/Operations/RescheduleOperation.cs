using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/[id]/$reschedule</c>: one transaction cancels the Appointment (freeing its Slots) and books the new
/// time given as <c>appointment</c> (as $find proposes it), the new one pointing at the old through R5's
/// <c>replaces</c>. The old entries come first and the engine writes them first (<see cref="FhirRequest.KeepsEntryOrder"/>),
/// so the new time may overlap the old one: the cancel gives up the old claims before the new ones are checked.
/// </summary>
public sealed class RescheduleOperation(ScheduleRules schedules, CancelOperation cancel, TimeProvider clock)
{
    public FhirOperation Definition => new("reschedule", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-reschedule",
        System: false, Type: false, Instance: true, Types: ["Appointment"], Handler: InvokeAsync);

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var input = new OperationParameters(r);
        var requested = input.Resource<Appointment>("appointment")
            ?? throw FhirError.BadRequest("The parameter 'appointment' (the new time, e.g. one $find proposed) is required", "appointment");
        var old = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        if (old.Status is not (Appointment.AppointmentStatus.Booked or Appointment.AppointmentStatus.Pending))
            throw FhirError.Conflict($"Only a booked or pending appointment can be rescheduled; Appointment/{id} is {old.Status?.ToString().ToLowerInvariant()}");

        // The new appointment keeps what the old one said (patient, service, reason) with the new time and schedules.
        var oldScheduleActors = (await schedules.LoadOptionalAsync(engine.Store, old, ct)).SelectMany(s => s.Actors).ToHashSet();
        var replacement = (Appointment)old.DeepCopy();
        replacement.Start = requested.Start;
        replacement.End = requested.End;
        replacement.Extension = requested.GetExtensions(SchedulingUrls.Schedule).Concat(old.Extension
            .Where(e => e.Url is not (SchedulingUrls.Schedule or SchedulingUrls.HoldExpires or SchedulingUrls.LateCancel or SchedulingUrls.Replaces))).ToList();
        replacement.Participant = old.Participant.Where(p => p.Actor?.Reference is not { } a || !oldScheduleActors.Contains(Claims.Normalise(a)))
            .Concat(requested.Participant.Where(p => p.Actor?.Reference is { } a && !old.Participant.Any(o => o.Actor?.Reference == a))).ToList();
        replacement.CancelationReason = null;
        var plan = await BookingPlan.CreateAsync(engine, schedules, replacement, Slot.SlotStatus.Busy, clock.GetUtcNow(), ct);
        plan.Appointment.Status = Appointment.AppointmentStatus.Booked;
        plan.Appointment.SetExtension(SchedulingUrls.Replaces, new ResourceReference($"Appointment/{id}"));

        var transaction = new Bundle { Entry = await cancel.EntriesAsync(engine, r, old, input.Single("reason") ?? "rescheduled", ct) };
        transaction.Entry.AddRange(plan.Entries());
        var result = await EngineCalls.TransactionAsync(engine, r, transaction, ct, inEntryOrder: true);
        return FhirResponse.ForRecord(await EngineCalls.WrittenAsync(engine, transaction, result, plan.AppointmentFullUrl, ct), System.Net.HttpStatusCode.OK, r.BaseUrl, withLocation: false);
    }
}
