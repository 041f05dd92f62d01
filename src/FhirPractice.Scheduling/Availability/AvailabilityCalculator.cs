using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FhirPractice.Fhir;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using NodaTime;
using NodaTime.TimeZones;

namespace FhirPractice.Scheduling.Availability;

/// <summary>
/// Turns a Schedule's rules into the instants it is open: each day the RRULE picks (evaluated by Ical.Net over
/// local dates), from the start to the end time on that local date in the practice's zone (NodaTime: a time that
/// does not exist on a spring-forward day moves forward by the gap, as RFC 5545 says; an ambiguous autumn time takes the earlier instant), cut by
/// the planning horizon and the closed periods.
/// </summary>
public sealed class AvailabilityCalculator(DateTimeZone zone)
{
    public DateTimeZone Zone => zone;

    /// <summary>The open windows within [<paramref name="from"/>, <paramref name="to"/>), ordered and merged.</summary>
    public IReadOnlyList<TimeRange> Windows(AvailabilityRules rules, DateTimeOffset from, DateTimeOffset to) => Windows(rules, from, from, to);

    /// <summary>
    /// The open windows within [<paramref name="from"/>, <paramref name="to"/>) of a longer range that starts at
    /// <paramref name="askedFrom"/>: weekly hours without a first day of their own are read from that range's first day,
    /// so a range read a few local days at a time gives the windows it gives read whole (no window crosses local midnight).
    /// Each day's windows are read from the rules once (<see cref="_days"/>) and cut to the range.
    /// </summary>
    public IReadOnlyList<TimeRange> Windows(AvailabilityRules rules, DateTimeOffset askedFrom, DateTimeOffset from, DateTimeOffset to)
    {
        if (!rules.Active) return [];
        if (rules.HorizonStart is { } hs && hs > from) from = hs;
        if (rules.HorizonStart is { } ahs && ahs > askedFrom) askedFrom = ahs;
        if (rules.HorizonEnd is { } he && he < to) to = he;
        if (to <= from) return [];
        // The first day asked about matters only to hours without an anchor of their own.
        var readFrom = rules.Hours.All(h => h.Anchor is not null) ? default : Instant.FromDateTimeOffset(askedFrom).InZone(zone).Date;
        var firstDay = Instant.FromDateTimeOffset(from).InZone(zone).Date;
        var lastDay = Instant.FromDateTimeOffset(to).InZone(zone).Date;
        var days = _days.GetValue(rules, _ => new ConcurrentDictionary<(LocalDate, LocalDate), TimeRange[]>());
        var windows = new List<TimeRange>();
        for (var day = firstDay; day <= lastDay; day = day.PlusDays(1))
        {
            if (!days.TryGetValue((readFrom, day), out var open))
            {
                if (days.Count >= MaxDaysPerSchedule) days.Clear();
                var read = DayWindows(rules, readFrom, day, lastDay);
                foreach (var (d, w) in read) days[(readFrom, d)] = w;
                open = read[day];
            }
            foreach (var window in open)
            {
                var clipped = new TimeRange(Max(window.Start, from), Min(window.End, to));
                if (clipped.Start < clipped.End) windows.Add(clipped);
            }
        }
        return windows;
    }

    /// <summary>
    /// The windows of each Schedule version by (first day read from, local day): $find asks for the same days of the same
    /// rules on every request, and reading them (Ical.Net) was its largest cost after the JSON. Keyed by the rules object,
    /// which is new for a new Schedule version (so its windows are read anew) and takes its windows with it when no
    /// longer held; the zone is this calculator's own. At most <see cref="MaxDaysPerSchedule"/> days a version.
    /// </summary>
    private readonly ConditionalWeakTable<AvailabilityRules, ConcurrentDictionary<(LocalDate ReadFrom, LocalDate Day), TimeRange[]>> _days = new();

    private const int MaxDaysPerSchedule = 4096;

    /// <summary>The open windows of each local day from <paramref name="firstDay"/> to <paramref name="lastDay"/>, read in one pass over the rules, within the horizon.</summary>
    private Dictionary<LocalDate, TimeRange[]> DayWindows(AvailabilityRules rules, LocalDate readFrom, LocalDate firstDay, LocalDate lastDay)
    {
        var windows = new List<TimeRange>();
        foreach (var hours in rules.Hours)
            foreach (var day in Days(hours, readFrom, firstDay, lastDay))
            {
                var window = new TimeRange(At(day, hours.Start), At(day, hours.End));
                if (rules.HorizonStart is { } hs) window = window with { Start = Max(window.Start, hs) };
                if (rules.HorizonEnd is { } he) window = window with { End = Min(window.End, he) };
                if (window.Start < window.End) windows.Add(window);
            }
        var open = Subtract(Merge(windows), rules.Closed.Select(c => new TimeRange(c.Start, c.End)).OrderBy(c => c.Start).ToList());
        var byDay = new Dictionary<LocalDate, TimeRange[]>();
        for (var day = firstDay; day <= lastDay; day = day.PlusDays(1)) byDay[day] = [];
        foreach (var group in open.GroupBy(w => Instant.FromDateTimeOffset(w.Start).InZone(zone).Date)) byDay[group.Key] = [.. group];
        return byDay;
    }

    /// <summary>When a HealthcareService is offered within [<paramref name="from"/>, <paramref name="to"/>), ordered and merged.</summary>
    public IReadOnlyList<TimeRange> Windows(ServiceHours hours, DateTimeOffset from, DateTimeOffset to)
    {
        if (!hours.Active || to <= from) return [];
        var windows = new List<TimeRange>();
        if (hours.Times.Count == 0) windows.Add(new TimeRange(from, to));
        var lastDay = Instant.FromDateTimeOffset(to).InZone(zone).Date;
        for (var day = Instant.FromDateTimeOffset(from).InZone(zone).Date; hours.Times.Count > 0 && day <= lastDay; day = day.PlusDays(1))
            foreach (var time in hours.Times.Where(t => t.Days.Count == 0 || t.Days.Contains(day.DayOfWeek)))
            {
                var window = new TimeRange(At(day, time.Start), time.End is { } end ? At(day, end) : zone.AtStartOfDay(day.PlusDays(1)).ToDateTimeOffset());
                var clipped = new TimeRange(Max(window.Start, from), Min(window.End, to));
                if (clipped.Start < clipped.End) windows.Add(clipped);
            }
        return Subtract(Merge(windows), hours.NotAvailable.ToList());
    }

    /// <summary>The start of the local day <paramref name="days"/> after the one <paramref name="instant"/> falls on.</summary>
    public DateTimeOffset StartOfDay(DateTimeOffset instant, int days) =>
        zone.AtStartOfDay(Instant.FromDateTimeOffset(instant).InZone(zone).Date.PlusDays(days)).ToDateTimeOffset();

    /// <summary>Whether <paramref name="range"/> lies inside one open window of the schedule.</summary>
    public bool IsOpen(AvailabilityRules rules, TimeRange range) =>
        Windows(rules, range.Start.AddDays(-1), range.End.AddDays(1)).Any(w => w.Contains(range));

    /// <summary>
    /// The starts of a finite daily or weekly series (an RRULE with COUNT or UNTIL) at <paramref name="first"/>'s local
    /// time of day; a rule that is not one, or gives more than <paramref name="max"/> occurrences, is a 400.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> Series(DateTimeOffset first, string rrule, int max)
    {
        RecurrencePattern pattern;
        try { pattern = new RecurrencePattern(rrule); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw FhirError.BadRequest($"The recurrence '{rrule}' is not an RFC 5545 RRULE: {e.Message}", "recurrence"); }
        if (pattern.Frequency is not (FrequencyType.Daily or FrequencyType.Weekly))
            throw FhirError.BadRequest("A recurring series is daily or weekly", "recurrence");
        if (pattern.Count is null && pattern.Until is null)
            throw FhirError.BadRequest("A recurring series is finite: give COUNT or UNTIL", "recurrence");
        var local = Instant.FromDateTimeOffset(first).InZone(zone).LocalDateTime;
        var calendarEvent = new CalendarEvent { DtStart = new CalDateTime(local.Year, local.Month, local.Day), RecurrenceRule = pattern };
        var starts = calendarEvent.GetOccurrences(new CalDateTime(local.Year, local.Month, local.Day)).Take(max + 1)
            .Select(o => At(new LocalDate(o.Period.StartTime.Year, o.Period.StartTime.Month, o.Period.StartTime.Day), local.TimeOfDay)).ToList();
        return starts.Count <= max ? starts : throw FhirError.BadRequest($"A recurring series has at most {max} occurrences", "recurrence");
    }

    private static IEnumerable<LocalDate> Days(WeeklyHours hours, LocalDate readFrom, LocalDate firstDay, LocalDate lastDay)
    {
        var anchor = hours.Anchor ?? readFrom;
        if (anchor > lastDay) yield break;
        var calendarEvent = new CalendarEvent { DtStart = new CalDateTime(anchor.Year, anchor.Month, anchor.Day), RecurrenceRule = new RecurrencePattern(hours.RRule) };
        var from = anchor > firstDay ? anchor : firstDay;
        foreach (var occurrence in calendarEvent.GetOccurrences(new CalDateTime(from.Year, from.Month, from.Day)))
        {
            var start = occurrence.Period.StartTime;
            var day = new LocalDate(start.Year, start.Month, start.Day);
            if (day > lastDay) yield break;
            if (day >= firstDay) yield return day;
        }
    }

    private DateTimeOffset At(LocalDate day, LocalTime time) =>
        zone.ResolveLocal(day + time, Resolvers.LenientResolver).ToDateTimeOffset();

    private static List<TimeRange> Merge(List<TimeRange> windows)
    {
        var merged = new List<TimeRange>();
        foreach (var w in windows.OrderBy(w => w.Start))
            if (merged.Count > 0 && w.Start <= merged[^1].End) merged[^1] = merged[^1] with { End = Max(merged[^1].End, w.End) };
            else merged.Add(w);
        return merged;
    }

    private static List<TimeRange> Subtract(List<TimeRange> windows, List<TimeRange> closed)
    {
        if (closed.Count == 0) return windows;
        var open = new List<TimeRange>();
        foreach (var window in windows)
        {
            var rest = window;
            foreach (var c in closed.Where(c => c.Overlaps(window)))
            {
                if (c.Start > rest.Start) open.Add(rest with { End = Min(c.Start, rest.End) });
                rest = rest with { Start = Max(rest.Start, c.End) };
                if (rest.Start >= rest.End) break;
            }
            if (rest.Start < rest.End) open.Add(rest);
        }
        return open;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
