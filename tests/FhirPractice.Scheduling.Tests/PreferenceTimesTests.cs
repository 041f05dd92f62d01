using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Waitlist;
using Hl7.Fhir.Model;
using NodaTime;
using Period = Hl7.Fhir.Model.Period;

namespace FhirPractice.Scheduling.Tests;

/// <summary>Local times of day for the waitlist and a HealthcareService's hours across the DST change; reminder offsets.</summary>
public sealed class PreferenceTimesTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    private static TimeRange Utc(string start, string end) => new(DateTimeOffset.Parse(start), DateTimeOffset.Parse(end));

    [Fact]
    public void A_waiting_patients_mornings_stay_local_mornings_across_the_spring_change_and_inside_the_requested_period()
    {
        var appointment = new Appointment
        {
            Id = "w",
            Status = Appointment.AppointmentStatus.Waitlist,
            Participant = [new Appointment.ParticipantComponent { Actor = new ResourceReference("Patient/p") }, new Appointment.ParticipantComponent { Actor = new ResourceReference("Practitioner/d") }],
            RequestedPeriod = [new Period { Start = "2025-03-08T00:00:00Z", End = "2025-03-10T14:00:00Z" }],
        };
        appointment.Extension.Add(new Extension { Url = SchedulingUrls.TimeOfDay, Extension = [new Extension("start", new Time("09:00:00")), new Extension("end", new Time("11:00:00"))] });
        var entry = WaitlistEntry.From(appointment);

        // 8 March is EST (UTC-5), 9 March the change, 10 March EDT (UTC-4) and cut by the requested period's end.
        Assert.Equal([Utc("2025-03-08T14:00:00Z", "2025-03-08T16:00:00Z"), Utc("2025-03-09T13:00:00Z", "2025-03-09T15:00:00Z"), Utc("2025-03-10T13:00:00Z", "2025-03-10T14:00:00Z")],
            entry.Acceptable(Utc("2025-03-07T00:00:00Z", "2025-03-12T00:00:00Z"), NewYork));
    }

    [Fact]
    public void A_healthcare_services_hours_are_local_on_its_days_less_its_closed_periods()
    {
        var service = new HealthcareService
        {
            Id = "h",
            AvailableTime =
            [
                new HealthcareService.AvailableTimeComponent { DaysOfWeek = [DaysOfWeek.Sat, DaysOfWeek.Mon], AvailableStartTime = "09:00:00", AvailableEndTime = "12:00:00" },
                new HealthcareService.AvailableTimeComponent { DaysOfWeek = [DaysOfWeek.Sun], AllDay = true },
            ],
            NotAvailable = [new HealthcareService.NotAvailableComponent { Description = "Holiday", During = new Period { Start = "2025-03-10", End = "2025-03-10" } }],
        };

        var windows = new AvailabilityCalculator(NewYork).Windows(ServiceHours.From(service, NewYork), DateTimeOffset.Parse("2025-03-07T00:00:00Z"), DateTimeOffset.Parse("2025-03-12T00:00:00Z"));

        // Saturday 8 March 09:00–12:00 EST; Sunday 9 March all day (23 hours: the spring change); Monday 10 March a holiday.
        Assert.Equal([Utc("2025-03-08T14:00:00Z", "2025-03-08T17:00:00Z"), Utc("2025-03-09T05:00:00Z", "2025-03-10T04:00:00Z")], windows);
    }

    [Theory]
    [InlineData("3.00:00:00, 1.00:00:00,02:00:00,02:00:00", new[] { 4320, 1440, 120 })]
    [InlineData("", new int[0])]
    public void Reminder_offsets_are_a_comma_separated_list(string offsets, int[] minutes) =>
        Assert.Equal(minutes.Select(m => TimeSpan.FromMinutes(m)), new SchedulingOptions { ReminderOffsets = offsets }.ReminderOffsetList());

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("-02:00:00")]
    public void A_reminder_offset_that_is_not_a_positive_time_span_is_refused(string offsets) =>
        Assert.Contains("ReminderOffsets", Assert.Throws<ArgumentException>(() => new SchedulingOptions { ReminderOffsets = offsets }.ReminderOffsetList()).Message);
}
