using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Background;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Scheduling.Operations;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Scheduling.Waitlist;

/// <summary>
/// Drains the queue of freed times: each is offered, through the engine as an internal caller, to the waiting
/// patients in order (priority, then creation) as a hold linked to their waitlist entry — the first whose preferences
/// fit gets it; an entry with an open offer, or that was offered that time before (its offer lapsed or was
/// declined), is passed over. The queue entry is removed once handled: a restart in between offers it again, and the
/// hold taken the first time (or the offered mark) keeps that from giving anyone a second offer.
/// </summary>
public sealed class WaitlistOffers(IServiceProvider services, ScheduleRules schedules, OccupancyReader occupancy, EarliestVisits earliest, BookOperation book, SchedulingOptions options, TimeProvider clock, ILogger<WaitlistOffers> log)
{
    private const int Batch = 200;
    private const int MaxWaiting = 1000;
    private readonly OneAtATime _rounds = new();

    /// <summary>Offers every queued freed time; returns how many offers it made.</summary>
    public Task<int> OfferFreedTimesAsync(CancellationToken ct = default) => _rounds.RunAsync(() => OfferQueuedAsync(ct), ct);

    private async Task<int> OfferQueuedAsync(CancellationToken ct)
    {
        var engine = services.GetRequiredService<FhirEngine>();
        var offers = 0;
        foreach (var entry in await engine.Store.ScanStateAsync(new StateRange(WaitlistKeys.Freed, "", "~", Batch), ct))
        {
            var freed = FreedTime.Parse(entry.Value);
            var now = clock.GetUtcNow();
            if (freed.Range.End > now)
                offers += await OfferAsync(engine, freed with { Range = new TimeRange(freed.Range.Start > now ? freed.Range.Start : now, freed.Range.End) }, ct);
            await engine.Store.WriteAsync(tx => { tx.DeleteState(WaitlistKeys.Freed, entry.Key); return 0; }, ct);
        }
        return offers;
    }

    private async Task<int> OfferAsync(FhirEngine engine, FreedTime freed, CancellationToken ct)
    {
        var offers = 0;
        foreach (var waiting in await engine.Store.ScanStateAsync(new StateRange(WaitlistKeys.Waiting, "", "~", MaxWaiting), ct))
        {
            var id = WaitlistKeys.IdOfWaiting(waiting.Key);
            if (await HasAsync(engine.Store, WaitlistKeys.OpenOffer, id, ct)) continue;
            try
            {
                var appointment = await EngineCalls.ReadAsync<Appointment>(engine, EngineCalls.Internal, $"Appointment/{id}", ct);
                if (appointment.Status != Appointment.AppointmentStatus.Waitlist) continue;
                var entry = WaitlistEntry.From(appointment);
                foreach (var (rules, visit) in await CandidatesAsync(engine, entry, freed, ct))
                {
                    if (await HasAsync(engine.Store, WaitlistKeys.Offered, WaitlistKeys.OfferedKey(id, visit.Start), ct)) continue;
                    var offer = FindOperation.Proposal(rules, visit, entry.ServiceType, entry.Patient);
                    offer.ReasonCode = appointment.ReasonCode;
                    await book.OfferAsync(engine, EngineCalls.Internal, offer, id, ct);
                    offers++;
                    break;
                }
            }
            catch (FhirError e)
            {
                // The entry changed, or the time was taken meanwhile: the next entry may still fit.
                log.LogDebug("No offer to waitlist Appointment {Id}: {Status}", id, e.Status);
            }
        }
        return offers;
    }

    /// <summary>
    /// The visits that take some of the freed time and fit the entry, per way it can be served that the freed time was
    /// on, earliest first. A visit longer than the freed time takes it with the free time beside it (a freed half hour
    /// and the free half hour after it make a 60-minute visit), so each way is looked at a visit's length either side,
    /// from the start of that local day so that its visits keep the grid they have in <c>$find</c>, which finds them.
    /// </summary>
    private async Task<IReadOnlyList<(IReadOnlyList<AvailabilityRules> Rules, TimeRange Visit)>> CandidatesAsync(FhirEngine engine, WaitlistEntry entry, FreedTime freed, CancellationToken ct)
    {
        var calculator = schedules.Calculator;
        var now = clock.GetUtcNow();
        var candidates = new List<(IReadOnlyList<AvailabilityRules>, TimeRange)>();
        foreach (var rules in await WaitedForAsync(engine, entry, ct))
        {
            if (!rules.SelectMany(ScheduleRules.ActorsOf).Intersect(freed.Actors).Any()) continue;
            var duration = TimeSpan.FromMinutes(rules.Max(r => r.DurationFor(entry.ServiceType, options.DefaultVisitMinutes)));
            var around = new TimeRange(calculator.StartOfDay(freed.Range.Start - duration, 0), freed.Range.End + duration);
            var acceptable = entry.Acceptable(around, calculator.Zone);
            if (acceptable.Count == 0) continue;
            var patientBusy = await occupancy.BusyAsync(engine.Store, entry.Patient, around, ct);
            var visits = await earliest.FindAsync(engine.Store, [new VisitOption(rules, acceptable)], around, entry.ServiceType, patientBusy, MaxVisitsAround, ct);
            candidates.AddRange(visits.Select(v => v.Visit).Where(visit => visit.Start >= now && visit.Overlaps(freed.Range)).Select(visit => (rules, visit)));
        }
        return candidates.OrderBy(c => c.Item2.Start).ToList();
    }

    /// <summary>More visits than a day holds (one a minute), so the search around a freed time is never cut short.</summary>
    private const int MaxVisitsAround = 2 * 24 * 60;

    /// <summary>
    /// The ways the entry can be served: the Schedules it names, taken together (a provider and a room, as <c>$find</c>
    /// takes them), else each Schedule of the practitioners (or rooms) it names.
    /// </summary>
    private async Task<IReadOnlyList<IReadOnlyList<AvailabilityRules>>> WaitedForAsync(FhirEngine engine, WaitlistEntry entry, CancellationToken ct)
    {
        if (entry.Schedules.Count > 0) return [await schedules.LoadAsync(engine.Store, entry.Schedules, "Appointment.extension", ct)];
        var found = new List<IReadOnlyList<AvailabilityRules>>();
        foreach (var actor in entry.Actors)
            foreach (var schedule in await EngineCalls.SearchAsync<Schedule>(engine, EngineCalls.Internal, "Schedule", [new("actor", actor), new("active:not", "false")], ct))
                found.Add([AvailabilityRules.From(schedule, schedules.Calculator.Zone)]);
        return found;
    }

    private static async Task<bool> HasAsync(IResourceStore store, string kind, string key, CancellationToken ct) =>
        (await store.ScanStateAsync(new StateRange(kind, key, key + "\0", 1), ct)).Count > 0;
}
