using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/$hold</c> (a pending Appointment and busy-tentative Slots that free themselves after
/// <see cref="SchedulingOptions.HoldDuration"/>) and <c>Appointment/$book</c> (booked, with busy Slots; or
/// <c>Appointment/[id]/$book</c> to book a hold). Each is one transaction; a time already taken is a 409.
/// </summary>
public sealed class BookOperation(ScheduleRules schedules, SchedulingOptions options, TimeProvider clock)
{
    public FhirOperation Hold => new("hold", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-hold",
        System: false, Type: true, Instance: false, Types: ["Appointment"], Handler: (e, r, _, _, ct) => BookNewAsync(e, r, hold: true, ct));

    public FhirOperation Book => new("book", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-book",
        System: false, Type: true, Instance: true, Types: ["Appointment"],
        Handler: (e, r, _, id, ct) => id is null ? BookNewAsync(e, r, hold: false, ct) : BookHoldAsync(e, r, id, ct));

    private async Task<FhirResponse> BookNewAsync(FhirEngine engine, FhirRequest r, bool hold, CancellationToken ct)
    {
        var requested = new OperationParameters(r).Resource<Appointment>("appointment")
            ?? throw FhirError.BadRequest("The parameter 'appointment' (an Appointment, e.g. one $find proposed) is required", "appointment");
        var now = clock.GetUtcNow();
        var plan = await BookingPlan.CreateAsync(engine, schedules, requested, hold ? Slot.SlotStatus.BusyTentative : Slot.SlotStatus.Busy, now, ct);
        plan.Appointment.Status = hold ? Appointment.AppointmentStatus.Pending : Appointment.AppointmentStatus.Booked;
        plan.Appointment.RemoveExtension(SchedulingUrls.HoldExpires);
        if (hold) plan.Appointment.SetExtension(SchedulingUrls.HoldExpires, new Instant(now + options.HoldDuration));
        var transaction = new Bundle { Entry = plan.Entries(ids: false) };
        var result = await EngineCalls.TransactionAsync(engine, r, transaction, ct);
        return new FhirResponse { Resource = await EngineCalls.WrittenAsync<Appointment>(engine, r, transaction, result, BookingPlan.AppointmentUrl, ct) };
    }

    /// <summary>A hold becomes a booking: booked, its Slots busy, no expiry; a hold that expired (swept or not) is a 409.</summary>
    private async Task<FhirResponse> BookHoldAsync(FhirEngine engine, FhirRequest r, string id, CancellationToken ct)
    {
        var appointment = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        var expires = (appointment.GetExtensionValue<Instant>(SchedulingUrls.HoldExpires))?.Value;
        if (appointment.Status != Appointment.AppointmentStatus.Pending || expires is null)
            throw FhirError.Conflict($"Appointment/{id} is not a hold (its status is {appointment.Status?.ToString().ToLowerInvariant()})");
        if (expires <= clock.GetUtcNow()) throw FhirError.Conflict($"The hold on Appointment/{id} expired");
        var version = appointment.Meta?.VersionId;
        appointment.Status = Appointment.AppointmentStatus.Booked;
        appointment.RemoveExtension(SchedulingUrls.HoldExpires);
        var transaction = new Bundle { Entry = [EngineCalls.Put(appointment, version)] };
        foreach (var slot in await SlotsOf(engine, r, appointment, ct))
        {
            var slotVersion = slot.Meta?.VersionId;
            slot.Status = Slot.SlotStatus.Busy;
            transaction.Entry.Add(EngineCalls.Put(slot, slotVersion));
        }
        await EngineCalls.TransactionAsync(engine, r, transaction, ct);
        return new FhirResponse { Resource = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct) };
    }

    internal static async Task<IReadOnlyList<Slot>> SlotsOf(FhirEngine engine, FhirRequest r, Appointment appointment, CancellationToken ct)
    {
        var slots = new List<Slot>();
        foreach (var reference in appointment.Slot.Select(s => s.Reference).OfType<string>())
            slots.Add(await EngineCalls.ReadAsync<Slot>(engine, r, Occupancy.Claims.Normalise(reference), ct));
        return slots;
    }
}
