using FhirPractice.Fhir;
using FhirPractice.Scheduling;
using FhirPractice.Scheduling.Availability;
using Hl7.Fhir.Model;
using NodaTime;
using Period = Hl7.Fhir.Model.Period;

namespace FhirPractice.Scheduling.Tests;

/// <summary>Weekly hours in the practice's zone across the DST changes, closed days, and rules refused when written.</summary>
public sealed class AvailabilityCalculatorTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private readonly AvailabilityCalculator _calculator = new(NewYork);

    private static Schedule Schedule(string rrule, string start, string end, params Extension[] extra)
    {
        var schedule = new Schedule { Id = "s", Actor = [new ResourceReference("Practitioner/p")] };
        schedule.Extension.Add(new Extension
        {
            Url = SchedulingUrls.Availability,
            Extension = [new Extension("rrule", new FhirString(rrule)), new Extension("start", new Time(start)), new Extension("end", new Time(end))],
        });
        schedule.Extension.AddRange(extra);
        return schedule;
    }

    private IReadOnlyList<TimeRange> Windows(Schedule schedule, string from, string to) =>
        _calculator.Windows(AvailabilityRules.From(schedule, NewYork), DateTimeOffset.Parse(from), DateTimeOffset.Parse(to));

    private static TimeRange Utc(string start, string end) => new(DateTimeOffset.Parse(start), DateTimeOffset.Parse(end));

    [Fact]
    public void Daily_hours_keep_their_local_time_across_the_spring_change()
    {
        // 9 March 2025: New York moves from EST (UTC-5) to EDT (UTC-4).
        var windows = Windows(Schedule("FREQ=DAILY", "09:00:00", "17:00:00"), "2025-03-08T00:00:00Z", "2025-03-11T00:00:00Z");

        Assert.Equal([Utc("2025-03-08T14:00:00Z", "2025-03-08T22:00:00Z"), Utc("2025-03-09T13:00:00Z", "2025-03-09T21:00:00Z"),
            Utc("2025-03-10T13:00:00Z", "2025-03-10T21:00:00Z")], windows);
    }

    [Fact]
    public void Daily_hours_keep_their_local_time_across_the_autumn_change()
    {
        // 2 November 2025: back from EDT to EST.
        var windows = Windows(Schedule("FREQ=DAILY", "09:00:00", "17:00:00"), "2025-11-01T00:00:00Z", "2025-11-03T00:00:00Z");

        Assert.Equal([Utc("2025-11-01T13:00:00Z", "2025-11-01T21:00:00Z"), Utc("2025-11-02T14:00:00Z", "2025-11-02T22:00:00Z")], windows);
    }

    [Fact]
    public void Hours_through_the_changed_hour_are_an_hour_shorter_in_spring_and_longer_in_autumn()
    {
        var night = Schedule("FREQ=DAILY", "01:00:00", "04:00:00");

        var spring = Assert.Single(Windows(night, "2025-03-09T00:00:00Z", "2025-03-10T00:00:00Z"));
        var autumn = Assert.Single(Windows(night, "2025-11-02T00:00:00Z", "2025-11-03T00:00:00Z"));

        Assert.Equal(TimeSpan.FromHours(2), spring.End - spring.Start);
        Assert.Equal(TimeSpan.FromHours(4), autumn.End - autumn.Start);
        // A start inside the missing hour moves forward by the gap, as RFC 5545 says: 02:30 becomes 03:30 EDT.
        var gap = Assert.Single(Windows(Schedule("FREQ=DAILY", "02:30:00", "05:00:00"), "2025-03-09T00:00:00Z", "2025-03-10T00:00:00Z"));
        Assert.Equal(Utc("2025-03-09T07:30:00Z", "2025-03-09T09:00:00Z"), gap);
    }

    [Fact]
    public void A_holiday_closes_its_local_day_and_a_closed_period_cuts_a_window()
    {
        var schedule = Schedule("FREQ=WEEKLY;BYDAY=TH,FR", "09:00:00", "17:00:00",
            new Extension(SchedulingUrls.Exception, new Period(new FhirDateTime("2025-12-25"), new FhirDateTime("2025-12-25"))),
            new Extension(SchedulingUrls.Exception, new Period(new FhirDateTime("2025-12-26T12:00:00-05:00"), new FhirDateTime("2025-12-26T13:00:00-05:00"))));

        var windows = Windows(schedule, "2025-12-24T00:00:00Z", "2025-12-27T00:00:00Z");

        Assert.Equal([Utc("2025-12-26T14:00:00Z", "2025-12-26T17:00:00Z"), Utc("2025-12-26T18:00:00Z", "2025-12-26T22:00:00Z")], windows);
    }

    [Fact]
    public void A_rule_with_an_anchor_and_an_interval_picks_every_other_week()
    {
        var schedule = Schedule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "09:00:00", "10:00:00");
        schedule.Extension[0].Extension.Add(new Extension("from", new Date("2025-06-02")));

        var starts = Windows(schedule, "2025-06-01T00:00:00Z", "2025-07-01T00:00:00Z").Select(w => w.Start.UtcDateTime.Day);

        Assert.Equal([2, 16, 30], starts);
    }

    [Theory]
    [InlineData("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")] // every other week, counted from the range's first day (no anchor)
    [InlineData("FREQ=DAILY;COUNT=5")] // the first five days of the range
    [InlineData("FREQ=DAILY")] // across the spring change, a holiday and the planning horizon's start
    public void A_range_read_a_local_day_at_a_time_gives_the_windows_it_gives_read_whole(string rrule)
    {
        var schedule = Schedule(rrule, "08:00:00", "18:00:00", new Extension(SchedulingUrls.Exception, new Period { Start = "2025-03-12", End = "2025-03-12" }));
        schedule.PlanningHorizon = new Period { Start = "2025-03-06T17:00:00-05:00" };
        var rules = AvailabilityRules.From(schedule, NewYork);
        var (from, to) = (DateTimeOffset.Parse("2025-03-05T15:30:00Z"), DateTimeOffset.Parse("2025-04-02T12:00:00Z"));

        var parts = new List<TimeRange>();
        for (var part = from; part < to; part = _calculator.StartOfDay(part, 1))
        {
            var end = _calculator.StartOfDay(part, 1);
            parts.AddRange(_calculator.Windows(rules, from, part, end < to ? end : to));
        }

        var whole = _calculator.Windows(rules, from, to);
        Assert.NotEmpty(whole);
        Assert.Equal(whole, parts);
    }

    [Theory]
    [InlineData("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH")]
    [InlineData("FREQ=DAILY;COUNT=5")]
    [InlineData("FREQ=DAILY")]
    public void Windows_read_again_or_in_another_order_are_those_read_first(string rrule)
    {
        var schedule = Schedule(rrule, "08:00:00", "18:00:00", new Extension(SchedulingUrls.Exception, new Period { Start = "2025-03-12", End = "2025-03-12" }));
        schedule.PlanningHorizon = new Period { Start = "2025-03-06T17:00:00-05:00", End = "2025-03-28" };
        var rules = AvailabilityRules.From(schedule, NewYork);
        var (from, middle, to) = (DateTimeOffset.Parse("2025-03-05T15:30:00Z"), DateTimeOffset.Parse("2025-03-15T15:30:00Z"), DateTimeOffset.Parse("2025-04-02T12:00:00Z"));
        var cold = new AvailabilityCalculator(NewYork).Windows(rules, from, to);

        // The later days first (read from the range's first day), then the whole range, then again.
        var warm = new AvailabilityCalculator(NewYork);
        var later = warm.Windows(rules, from, middle, to);
        Assert.Equal(cold.Where(w => w.End > middle).Select(w => w.Start < middle ? w with { Start = middle } : w), later);
        Assert.Equal(cold, warm.Windows(rules, from, to));
        Assert.Equal(cold, warm.Windows(rules, from, to));
        // Read from another first day, hours without an anchor of their own count from that day, not from the days read before.
        Assert.Equal(new AvailabilityCalculator(NewYork).Windows(rules, middle, to), warm.Windows(rules, middle, to));
    }

    [Fact]
    public void A_new_version_of_a_schedule_is_read_anew()
    {
        var (from, to) = (DateTimeOffset.Parse("2025-06-02T00:00:00Z"), DateTimeOffset.Parse("2025-06-04T00:00:00Z"));
        Assert.Equal([Utc("2025-06-02T13:00:00Z", "2025-06-02T21:00:00Z"), Utc("2025-06-03T13:00:00Z", "2025-06-03T21:00:00Z")],
            _calculator.Windows(AvailabilityRules.From(Schedule("FREQ=DAILY", "09:00:00", "17:00:00"), NewYork), from, to));
        Assert.Equal([Utc("2025-06-02T14:00:00Z", "2025-06-02T16:00:00Z"), Utc("2025-06-03T14:00:00Z", "2025-06-03T16:00:00Z")],
            _calculator.Windows(AvailabilityRules.From(Schedule("FREQ=DAILY", "10:00:00", "12:00:00"), NewYork), from, to));
    }

    [Fact]
    public void The_planning_horizon_and_an_inactive_schedule_limit_availability()
    {
        var schedule = Schedule("FREQ=DAILY", "09:00:00", "17:00:00");
        schedule.PlanningHorizon = new Period(new FhirDateTime("2025-06-03"), new FhirDateTime("2025-06-03"));
        Assert.Equal([Utc("2025-06-03T13:00:00Z", "2025-06-03T21:00:00Z")], Windows(schedule, "2025-06-01T00:00:00Z", "2025-06-10T00:00:00Z"));
        schedule.Active = false;
        Assert.Empty(Windows(schedule, "2025-06-01T00:00:00Z", "2025-06-10T00:00:00Z"));
    }

    [Theory]
    [InlineData("FREQ=SOMETIMES", "09:00:00", "17:00:00", "not an RFC 5545 RRULE")]
    [InlineData("FREQ=HOURLY", "09:00:00", "17:00:00", "picks days")]
    [InlineData("FREQ=DAILY", "17:00:00", "09:00:00", "end after they start")]
    public void Broken_rules_are_refused_with_a_422_naming_the_extension(string rrule, string start, string end, string message)
    {
        var error = Assert.Throws<FhirError>(() => AvailabilityRules.From(Schedule(rrule, start, end), NewYork));

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.Contains(message, error.Message);
        Assert.Contains(SchedulingUrls.Availability, error.Outcome.Issue[0].Expression.Single());
    }

    [Fact]
    public void Visit_length_comes_from_the_service_type_else_the_schedules_default_else_the_fallback()
    {
        var schedule = Schedule("FREQ=DAILY", "09:00:00", "17:00:00",
            new Extension { Url = SchedulingUrls.VisitDuration, Extension = [new Extension("serviceType", new Coding("urn:v", "long")), new Extension("minutes", new PositiveInt(60))] },
            new Extension { Url = SchedulingUrls.VisitDuration, Extension = [new Extension("minutes", new PositiveInt(20))] });
        var rules = AvailabilityRules.From(schedule, NewYork);

        Assert.Equal(60, rules.DurationFor(new Coding("urn:v", "long"), 15));
        Assert.Equal(60, rules.DurationFor(new Coding(null, "long"), 15));
        Assert.Equal(20, rules.DurationFor(new Coding("urn:other", "long"), 15));
        Assert.Equal(15, AvailabilityRules.From(Schedule("FREQ=DAILY", "09:00:00", "17:00:00"), NewYork).DurationFor(null, 15));
    }
}
