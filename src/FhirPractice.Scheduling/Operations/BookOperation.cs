using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/$hold</c> (a pending Appointment and busy-tentative Slots that free themselves after
/// <see cref="SchedulingOptions.HoldDuration"/>) and <c>Appointment/$book</c> (booked, with busy Slots; or
/// <c>Appointment/[id]/$book</c> to book a hold). Each is one transaction; a time already taken is a 409.
/// </summary>
public sealed class BookOperation(ScheduleRules schedules, OccupancyReader occupancy, SchedulingOptions options, TimeProvider clock)
{
    public FhirOperation Hold => new("hold", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-hold",
        System: false, Type: true, Instance: false, Types: ["Appointment"], Handler: (e, r, _, _, ct) => BookNewAsync(e, r, hold: true, ct));

    public FhirOperation Book => new("book", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-book",
        System: false, Type: true, Instance: true, Types: ["Appointment"],
        Handler: (e, r, _, id, ct) => id is null ? BookNewAsync(e, r, hold: false, ct) : BookHoldAsync(e, r, id, ct));

    /// <summary>One booking or hold; with a <c>recurrence</c> (book only), every occurrence of the series, all or none.</summary>
    private async Task<FhirResponse> BookNewAsync(FhirEngine engine, FhirRequest r, bool hold, CancellationToken ct)
    {
        var input = new OperationParameters(r);
        var requested = input.Resource<Appointment>("appointment")
            ?? throw FhirError.BadRequest("The parameter 'appointment' (an Appointment, e.g. one $find proposed) is required", "appointment");
        var recurrence = input.Single("recurrence");
        if (hold && recurrence is not null) throw FhirError.BadRequest("A hold is for one time; book a series with $book", "recurrence");
        var now = clock.GetUtcNow();
        var plans = new List<BookingPlan>();
        foreach (var occurrence in recurrence is null ? new[] { requested } : Series(requested, recurrence))
        {
            var plan = await BookingPlan.CreateAsync(engine, schedules, occurrence, hold ? Slot.SlotStatus.BusyTentative : Slot.SlotStatus.Busy, now, ct);
            plan.Appointment.Status = hold ? Appointment.AppointmentStatus.Pending : Appointment.AppointmentStatus.Booked;
            plan.Appointment.RemoveExtension(SchedulingUrls.HoldExpires);
            if (hold) plan.Appointment.SetExtension(SchedulingUrls.HoldExpires, new Instant(now + options.HoldDuration));
            await plan.RefuseTakenAsync(occupancy, engine.Store, ct);
            plans.Add(plan);
        }
        var transaction = new Bundle { Entry = plans.SelectMany(p => p.Entries()).ToList() };
        var result = await EngineCalls.TransactionAsync(engine, r, transaction, ct, isTheAnswer: true);
        var written = new List<ResourceRecord>();
        foreach (var plan in plans) written.Add(await EngineCalls.WrittenAsync(engine, transaction, result, plan.AppointmentFullUrl, ct));
        // One booking answers with its stored version as it is (the audit names it); a series with a Bundle of them all.
        if (recurrence is null) return FhirResponse.ForRecord(written[0], System.Net.HttpStatusCode.OK, r.BaseUrl, withLocation: false);
        return new FhirResponse
        {
            Resource = new Bundle
            {
                Type = Bundle.BundleType.Collection,
                Id = Guid.NewGuid().ToString("N"),
                Entry = written.Select(a => new Bundle.EntryComponent { FullUrl = $"{r.BaseUrl}/Appointment/{a.Id}", Resource = EngineCalls.Parse<Appointment>(a) }).ToList(),
            },
        };
    }

    /// <summary>
    /// Offers a time to a waiting patient: a hold like <c>$hold</c>'s, lasting <see cref="SchedulingOptions.OfferDuration"/>,
    /// linked to the waitlist entry (which the occupancy hook marks as offered that time, in the same transaction).
    /// </summary>
    internal async Task<Appointment> OfferAsync(FhirEngine engine, FhirRequest r, Appointment requested, string waitlistId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var plan = await BookingPlan.CreateAsync(engine, schedules, requested, Slot.SlotStatus.BusyTentative, now, ct);
        plan.Appointment.Status = Appointment.AppointmentStatus.Pending;
        plan.Appointment.SetExtension(SchedulingUrls.HoldExpires, new Instant(now + (options.OfferDuration ?? options.HoldDuration)));
        plan.Appointment.SetExtension(SchedulingUrls.WaitlistEntry, new ResourceReference($"Appointment/{waitlistId}"));
        var transaction = new Bundle { Entry = plan.Entries() };
        var result = await EngineCalls.TransactionAsync(engine, r, transaction, ct);
        return EngineCalls.Parse<Appointment>(await EngineCalls.WrittenAsync(engine, transaction, result, plan.AppointmentFullUrl, ct));
    }

    /// <summary>The occurrences of a series: the requested appointment at each start, the same length, one series mark.</summary>
    private IEnumerable<Appointment> Series(Appointment requested, string recurrence)
    {
        if (requested.Start is not { } start || requested.End is not { } end)
            throw FhirError.Unprocessable("The appointment needs a start and an end (take one $find proposed)", "Appointment.start");
        var series = Guid.NewGuid().ToString("N");
        foreach (var occurrence in schedules.Calculator.Series(start, recurrence, options.MaxSeriesOccurrences))
        {
            var copy = (Appointment)requested.DeepCopy();
            copy.Start = occurrence;
            copy.End = occurrence + (end - start);
            copy.SetExtension(SchedulingUrls.Series, new FhirString(series));
            yield return copy;
        }
    }

    /// <summary>
    /// A hold becomes a booking: booked, its Slots busy, no expiry; a hold that expired (swept or not) is a 409. A hold
    /// offered from the waitlist closes its waitlist entry in the same transaction.
    /// </summary>
    internal async Task<FhirResponse> BookHoldAsync(FhirEngine engine, FhirRequest r, string id, CancellationToken ct)
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
        if (appointment.GetExtensionValue<ResourceReference>(SchedulingUrls.WaitlistEntry)?.Reference is { } waiting
            && await EngineCalls.ReadAsync<Appointment>(engine, r, Occupancy.Claims.Normalise(waiting), ct) is { Status: Appointment.AppointmentStatus.Waitlist } entry)
        {
            var entryVersion = entry.Meta?.VersionId;
            entry.Status = Appointment.AppointmentStatus.Cancelled;
            entry.CancelationReason = new CodeableConcept { Text = $"Booked from the waitlist as Appointment/{id}" };
            transaction.Entry.Add(EngineCalls.Put(entry, entryVersion));
        }
        var result = await EngineCalls.TransactionAsync(engine, r, transaction, ct, isTheAnswer: true);
        return FhirResponse.ForRecord(await EngineCalls.WrittenAsync(engine, transaction, result, $"Appointment/{id}", ct), System.Net.HttpStatusCode.OK, r.BaseUrl, withLocation: false);
    }

    internal static async Task<IReadOnlyList<Slot>> SlotsOf(FhirEngine engine, FhirRequest r, Appointment appointment, CancellationToken ct)
    {
        var slots = new List<Slot>();
        foreach (var reference in appointment.Slot.Select(s => s.Reference).OfType<string>())
            slots.Add(await EngineCalls.ReadAsync<Slot>(engine, r, Occupancy.Claims.Normalise(reference), ct));
        return slots;
    }
}
