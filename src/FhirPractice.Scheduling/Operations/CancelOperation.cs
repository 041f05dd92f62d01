using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/[id]/$cancel</c>: the Appointment cancelled with the <c>reason</c>, flagged late inside
/// <see cref="SchedulingOptions.LateCancelWindow"/>, and every Slot it held — buffers included — freed, in one
/// transaction. The hold sweeper cancels expired holds the same way.
/// </summary>
public sealed class CancelOperation(SchedulingOptions options, TimeProvider clock)
{
    private static readonly HashSet<Appointment.AppointmentStatus?> Cancellable =
        [Appointment.AppointmentStatus.Proposed, Appointment.AppointmentStatus.Pending, Appointment.AppointmentStatus.Booked, Appointment.AppointmentStatus.Waitlist];

    public FhirOperation Definition => new("cancel", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-cancel",
        System: false, Type: false, Instance: true, Types: ["Appointment"], Handler: InvokeAsync);

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var reason = new OperationParameters(r).Single("reason");
        var appointment = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct);
        await EngineCalls.TransactionAsync(engine, r, new Bundle { Entry = await EntriesAsync(engine, r, appointment, reason, ct) }, ct);
        return new FhirResponse { Resource = await EngineCalls.ReadAsync<Appointment>(engine, r, $"Appointment/{id}", ct) };
    }

    /// <summary>The transaction entries that cancel <paramref name="appointment"/> (as read, with its version) and free its slots.</summary>
    internal async Task<List<Bundle.EntryComponent>> EntriesAsync(FhirEngine engine, FhirRequest r, Appointment appointment, string? reason, CancellationToken ct)
    {
        if (!Cancellable.Contains(appointment.Status))
            throw FhirError.Conflict($"Appointment/{appointment.Id} cannot be cancelled: its status is {appointment.Status?.ToString().ToLowerInvariant()}");
        var version = appointment.Meta?.VersionId;
        appointment.Status = Appointment.AppointmentStatus.Cancelled;
        appointment.RemoveExtension(SchedulingUrls.HoldExpires);
        if (reason is not null) appointment.CancelationReason = new CodeableConcept { Text = reason };
        if (appointment.Start is { } start && start - clock.GetUtcNow() < options.LateCancelWindow)
            appointment.SetExtension(SchedulingUrls.LateCancel, new FhirBoolean(true));
        var entries = new List<Bundle.EntryComponent> { EngineCalls.Put(appointment, version) };
        foreach (var slot in await BookOperation.SlotsOf(engine, r, appointment, ct))
        {
            if (slot.Status == Slot.SlotStatus.Free) continue;
            var slotVersion = slot.Meta?.VersionId;
            slot.Status = Slot.SlotStatus.Free;
            entries.Add(EngineCalls.Put(slot, slotVersion));
        }
        return entries;
    }
}
