using System.Runtime.CompilerServices;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>One way to take a visit: Schedules taken together (a provider and a room), only within <see cref="Within"/> when given (a HealthcareService's hours).</summary>
public sealed record VisitOption(IReadOnlyList<AvailabilityRules> Rules, IReadOnlyList<TimeRange>? Within);

/// <summary>
/// The earliest open visits over several options, by start (at the same start, the earlier option first). Each option's
/// visits are produced in time order a span of local days at a time — its windows and its actors' bookings for those
/// days only, the span doubling from a day — and merged, so the first n visits over many Schedules read the days they
/// need instead of every Schedule's whole range (500 visits over 20 Schedules need two days of each, not a week of
/// bookings; the rules' windows of a day are read once per Schedule version, so short spans cost no more of them).
/// </summary>
public sealed class EarliestVisits(AvailabilityCalculator calculator, OccupancyReader occupancy, SchedulingOptions options)
{
    /// <param name="after">A page's position: only visits after this start and option (in the answer's order) are found.</param>
    public async Task<IReadOnlyList<(VisitOption Option, TimeRange Visit)>> FindAsync(IResourceStore store, IReadOnlyList<VisitOption> choices, TimeRange range,
        Coding? serviceType, IReadOnlyList<BusyInterval> patientBusy, int count, CancellationToken ct, (DateTimeOffset Start, int Option)? after = null)
    {
        var found = new List<(VisitOption, TimeRange)>();
        var next = new PriorityQueue<(int Option, IAsyncEnumerator<TimeRange> Visits), (DateTimeOffset Start, int Option)>();
        var open = new List<IAsyncEnumerator<TimeRange>>();
        try
        {
            for (var i = 0; i < choices.Count; i++)
            {
                var visits = VisitsAsync(store, choices[i], range, serviceType, patientBusy, ct).GetAsyncEnumerator(ct);
                open.Add(visits);
                if (await visits.MoveNextAsync()) next.Enqueue((i, visits), (visits.Current.Start, i));
            }
            while (found.Count < count && next.TryDequeue(out var earliest, out var at))
            {
                // Visits keep the grid of the whole range, so a later page skips the earlier visits rather than starting later.
                if (after is not { } a || at.Start > a.Start || (at.Start == a.Start && at.Option > a.Option))
                    found.Add((choices[earliest.Option], earliest.Visits.Current));
                if (await earliest.Visits.MoveNextAsync()) next.Enqueue(earliest, (earliest.Visits.Current.Start, earliest.Option));
            }
        }
        finally
        {
            foreach (var visits in open) await visits.DisposeAsync();
        }
        return found;
    }

    private const int FirstSpanDays = 1;

    /// <summary>The visits at which all the option's Schedules are open (within its hours) and free, and the patient is free, in time order.</summary>
    private async IAsyncEnumerable<TimeRange> VisitsAsync(IResourceStore store, VisitOption option, TimeRange range, Coding? serviceType,
        IReadOnlyList<BusyInterval> patientBusy, [EnumeratorCancellation] CancellationToken ct)
    {
        var duration = TimeSpan.FromMinutes(option.Rules.Max(s => s.DurationFor(serviceType, options.DefaultVisitMinutes)));
        var alignment = TimeSpan.FromMinutes(option.Rules[0].AlignmentMinutes ?? duration.TotalMinutes);
        for (var (from, days) = (range.Start, FirstSpanDays); from < range.End; days *= 2)
        {
            var to = calculator.StartOfDay(from, days) is var end && end < range.End ? end : range.End;
            var windows = option.Rules.Select(rule => calculator.Windows(rule, range.Start, from, to) is var w && option.Within is { } within ? OpenTimes.Intersect(w, within) : w).ToList();
            if (windows.All(w => w.Count > 0))
            {
                var views = new List<ScheduleView>();
                for (var i = 0; i < option.Rules.Count; i++)
                {
                    var rule = option.Rules[i];
                    var claimed = OpenTimes.WithBuffers(rule, new TimeRange(from, to));
                    var busy = new List<IReadOnlyList<BusyInterval>>();
                    foreach (var actor in ScheduleRules.ActorsOf(rule).Distinct()) busy.Add(await occupancy.BusyAsync(store, actor, claimed, ct));
                    views.Add(new ScheduleView(rule, windows[i], busy));
                }
                foreach (var visit in OpenTimes.Find(views, duration, alignment, patientBusy)) yield return visit;
            }
            from = to;
        }
    }
}
