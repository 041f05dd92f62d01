using FhirPractice.Fhir;
using Hl7.Fhir.Model;
using FhirPractice.Scheduling.Occupancy;
using Ical.Net.DataTypes;
using NodaTime;

namespace FhirPractice.Scheduling.Availability;

/// <summary>Weekly hours: on the days an RRULE names, from <see cref="Start"/> to <see cref="End"/> local time.</summary>
/// <param name="Anchor">The rule's first day (its DTSTART), for INTERVAL and COUNT; without one the rule is read from the first day asked about.</param>
public sealed record WeeklyHours(string RRule, LocalTime Start, LocalTime End, LocalDate? Anchor);

/// <summary>A visit length, for one service type (a code, optionally system|code) or for all (<see cref="ServiceType"/> null).</summary>
public sealed record VisitDuration(Coding? ServiceType, int Minutes);

/// <summary>
/// A Schedule's availability as rules (read from its <see cref="SchedulingUrls"/> extensions): weekly hours, closed
/// periods, visit lengths, buffers, the start-time grid and the capacity. A Schedule that breaks a rule is refused
/// when written (<see cref="From"/> throws a 422 naming the extension).
/// </summary>
public sealed record AvailabilityRules(
    string ScheduleReference,
    bool Active,
    IReadOnlyList<string> Actors,
    IReadOnlyList<WeeklyHours> Hours,
    IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> Closed,
    IReadOnlyList<VisitDuration> Durations,
    int BufferBeforeMinutes,
    int BufferAfterMinutes,
    int? AlignmentMinutes,
    int Capacity,
    DateTimeOffset? HorizonStart,
    DateTimeOffset? HorizonEnd)
{
    public static AvailabilityRules From(Schedule schedule, DateTimeZone zone)
    {
        var hours = new List<WeeklyHours>();
        foreach (var (extension, i) in schedule.GetExtensions(SchedulingUrls.Availability).Select((e, i) => (e, i)))
        {
            var where = $"Schedule.extension('{SchedulingUrls.Availability}')[{i}]";
            var rrule = (extension.GetExtensionValue<FhirString>("rrule")?.Value) ?? throw FhirError.Unprocessable("Weekly hours need an 'rrule'", where);
            try { _ = new RecurrencePattern(rrule); }
            catch (Exception e) when (e is ArgumentException or FormatException) { throw FhirError.Unprocessable($"The rrule '{rrule}' is not an RFC 5545 RRULE: {e.Message}", where); }
            if (rrule.Contains("HOURLY", StringComparison.OrdinalIgnoreCase) || rrule.Contains("MINUTELY", StringComparison.OrdinalIgnoreCase)
                || rrule.Contains("SECONDLY", StringComparison.OrdinalIgnoreCase))
                throw FhirError.Unprocessable("The rrule picks days; the hours are 'start' and 'end'", where);
            var start = Time(extension, "start", where);
            var end = Time(extension, "end", where);
            if (end <= start) throw FhirError.Unprocessable("Weekly hours must end after they start", where);
            var anchor = extension.GetExtensionValue<Date>("from")?.Value is { } from ? NodaTime.Text.LocalDatePattern.Iso.Parse(from).GetValueOrThrow() : (LocalDate?)null;
            hours.Add(new WeeklyHours(rrule, start, end, anchor));
        }
        var closed = new List<(DateTimeOffset, DateTimeOffset)>();
        foreach (var (extension, i) in schedule.GetExtensions(SchedulingUrls.Exception).Select((e, i) => (e, i)))
        {
            var where = $"Schedule.extension('{SchedulingUrls.Exception}')[{i}]";
            if (extension.Value is not Hl7.Fhir.Model.Period { StartElement: { } s, EndElement: { } e })
                throw FhirError.Unprocessable("A closed period is a Period with a start and an end", where);
            var (from, to) = (StartOf(s, zone), EndOf(e, zone));
            if (to <= from) throw FhirError.Unprocessable("A closed period must end after it starts", where);
            closed.Add((from, to));
        }
        var durations = schedule.GetExtensions(SchedulingUrls.VisitDuration).Select((extension, i) =>
        {
            var minutes = extension.GetExtensionValue<PositiveInt>("minutes")?.Value
                ?? throw FhirError.Unprocessable("A visit duration needs 'minutes'", $"Schedule.extension('{SchedulingUrls.VisitDuration}')[{i}]");
            return new VisitDuration(extension.GetExtensionValue<Coding>("serviceType"), minutes);
        }).ToList();
        return new AvailabilityRules(
            "Schedule/" + schedule.Id,
            schedule.Active ?? true,
            schedule.Actor.Select(a => a.Reference).OfType<string>().Select(Claims.Normalise).ToList(),
            hours, closed, durations,
            Minutes(schedule, SchedulingUrls.BufferBefore) ?? 0,
            Minutes(schedule, SchedulingUrls.BufferAfter) ?? 0,
            Minutes(schedule, SchedulingUrls.Alignment),
            Minutes(schedule, SchedulingUrls.Capacity) ?? 1,
            schedule.PlanningHorizon?.StartElement is { } hs ? StartOf(hs, zone) : null,
            schedule.PlanningHorizon?.EndElement is { } he ? EndOf(he, zone) : null);
    }

    /// <summary>The visit length for a service type: its own, else the schedule's default, else <paramref name="fallback"/>.</summary>
    public int DurationFor(Coding? serviceType, int fallback) =>
        (serviceType is null ? null : Durations.FirstOrDefault(d => d.ServiceType is { } t && t.Code == serviceType.Code
            && (t.System is null || serviceType.System is null || t.System == serviceType.System))?.Minutes)
        ?? Durations.FirstOrDefault(d => d.ServiceType is null)?.Minutes ?? fallback;

    private static LocalTime Time(Extension extension, string name, string where)
    {
        var value = extension.GetExtensionValue<Time>(name)?.Value ?? throw FhirError.Unprocessable($"Weekly hours need a '{name}' time", where);
        return NodaTime.Text.LocalTimePattern.ExtendedIso.Parse(value).GetValueOrThrow();
    }

    private static int? Minutes(Schedule schedule, string url) => (schedule.GetExtensionValue<PositiveInt>(url))?.Value;

    /// <summary>A bare date (a holiday) is a day in the practice's zone; a dateTime carries its offset.</summary>
    internal static DateTimeOffset StartOf(FhirDateTime value, DateTimeZone zone) =>
        value.Value?.Length == 10 ? LocalDay(value, zone) : value.ToDateTimeOffset(TimeSpan.Zero);

    /// <summary>A bare end date includes that whole local day.</summary>
    internal static DateTimeOffset EndOf(FhirDateTime value, DateTimeZone zone) =>
        value.Value?.Length == 10 ? LocalDay(value, zone, days: 1) : value.ToDateTimeOffset(TimeSpan.Zero);

    private static DateTimeOffset LocalDay(FhirDateTime value, DateTimeZone zone, int days = 0) =>
        zone.AtStartOfDay(NodaTime.Text.LocalDatePattern.Iso.Parse(value.Value!).GetValueOrThrow().PlusDays(days)).ToDateTimeOffset();
}
