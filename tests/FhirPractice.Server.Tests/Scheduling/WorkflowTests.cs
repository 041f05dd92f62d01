using System.Net;
using FhirPractice.Scheduling.Background;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>Check-in, no-shows (staff and automatic) and recurring series.</summary>
public sealed class WorkflowTests(SchedulingServerFactory server) : IClassFixture<SchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;
    private static readonly StringContent NoParameters = FhirServerFactory.Json("""{"resourceType":"Parameters"}""");

    [Fact]
    public async Task Check_in_makes_the_appointment_arrived_and_starts_an_encounter()
    {
        var practitioner = await _client.PractitionerAsync();
        var patient = await _client.PatientAsync();
        var appointment = await _client.BookedAsync("2025-06-02T13:00:00Z", "2025-06-02T13:30:00Z", patient, await _client.ScheduleAsync(practitioner));

        var response = await _client.PostAsync($"Appointment/{Id(appointment)}/$check-in", NoParameters);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var encounter = await response.JsonAsync();

        Assert.Equal("in-progress", (string?)encounter["status"]);
        Assert.Equal(patient, (string?)encounter["subject"]!["reference"]);
        Assert.Equal($"Appointment/{Id(appointment)}", (string?)encounter["appointment"]![0]!["reference"]);
        Assert.Equal(practitioner, (string?)encounter["participant"]![0]!["individual"]!["reference"]);
        Assert.Equal("arrived", (string?)(await (await _client.GetAsync($"Appointment/{Id(appointment)}")).JsonAsync())["status"]);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Appointment/{Id(appointment)}/$check-in", NoParameters), HttpStatusCode.Conflict, "Only a booked");
        // An arrived appointment still holds its time.
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-02T13:00:00Z", "2025-06-02T13:30:00Z", await _client.PatientAsync(), (string)appointment["extension"]![0]!["valueReference"]!["reference"]!),
            HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Staff_mark_a_no_show_only_after_the_start_and_the_sweeper_does_after_the_grace_period()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var future = await _client.BookedAsync("2025-06-20T13:00:00Z", "2025-06-20T13:30:00Z", await _client.PatientAsync(), doctor);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Appointment/{Id(future)}/$no-show", NoParameters), HttpStatusCode.Conflict, "not started");

        // The fake clock stands on Monday 2 June; book on it, past the start and the 30-minute grace.
        var missed = await _client.BookedAsync("2025-06-02T14:00:00Z", "2025-06-02T14:30:00Z", await _client.PatientAsync(), doctor);
        var checkedIn = await _client.BookedAsync("2025-06-02T14:30:00Z", "2025-06-02T15:00:00Z", await _client.PatientAsync(), doctor);
        var staff = await _client.BookedAsync("2025-06-02T15:00:00Z", "2025-06-02T15:30:00Z", await _client.PatientAsync(), doctor);
        server.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal("noshow", (string?)(await (await _client.PostAsync($"Appointment/{Id(staff)}/$no-show", NoParameters)).JsonAsync())["status"]);
        await _client.PostAsync($"Appointment/{Id(checkedIn)}/$check-in", NoParameters);

        await server.Services.GetRequiredService<SchedulingSweeper>().MarkNoShowsAsync();

        Assert.Equal("noshow", (string?)(await (await _client.GetAsync($"Appointment/{Id(missed)}")).JsonAsync())["status"]);
        Assert.Equal("arrived", (string?)(await (await _client.GetAsync($"Appointment/{Id(checkedIn)}")).JsonAsync())["status"]);
        Assert.Equal("booked", (string?)(await (await _client.GetAsync($"Appointment/{Id(future)}")).JsonAsync())["status"]);
    }

    [Fact]
    public async Task A_weekly_series_books_every_occurrence_at_the_same_local_time_across_the_DST_change()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        // Tuesdays at 09:00 New York from 28 October 2025: EDT, then EST after 2 November.
        var response = await _client.PostAsync("Appointment/$book", SeriesParameters(Proposal("2025-10-28T13:00:00Z", "2025-10-28T13:30:00Z", patient, doctor), "FREQ=WEEKLY;COUNT=3"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var bundle = await response.JsonAsync();

        var starts = bundle["entry"]!.AsArray().Select(e => DateTimeOffset.Parse((string)e!["resource"]!["start"]!)).ToList();
        Assert.Equal([DateTimeOffset.Parse("2025-10-28T13:00:00Z"), DateTimeOffset.Parse("2025-11-04T14:00:00Z"), DateTimeOffset.Parse("2025-11-11T14:00:00Z")], starts);
        var series = bundle["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["extension"]!.AsArray().Single(x => (string?)x!["url"] == Ext + "series")!["valueString"]).Distinct();
        Assert.Single(series);
        Assert.Equal(3, (await _client.MatchesAsync($"Appointment?patient={patient}&status=booked")).Count);
    }

    [Fact]
    public async Task A_series_with_one_taken_occurrence_books_none()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        await _client.BookedAsync("2025-07-09T13:00:00Z", "2025-07-09T13:30:00Z", await _client.PatientAsync(), doctor);

        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Appointment/$book",
            SeriesParameters(Proposal("2025-07-07T13:00:00Z", "2025-07-07T13:30:00Z", patient, doctor), "FREQ=DAILY;COUNT=5")), HttpStatusCode.Conflict);
        Assert.Empty(await _client.MatchesAsync($"Appointment?patient={patient}"));
        // Saturday 12 July is outside the hours: a daily series across it is refused before anything is written.
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Appointment/$book",
            SeriesParameters(Proposal("2025-07-10T14:00:00Z", "2025-07-10T14:30:00Z", patient, doctor), "FREQ=DAILY;COUNT=3")), HttpStatusCode.UnprocessableEntity, "not open");
    }

    [Theory]
    [InlineData("FREQ=DAILY", "finite")]
    [InlineData("FREQ=MONTHLY;COUNT=2", "daily or weekly")]
    [InlineData("FREQ=DAILY;COUNT=60", "at most")]
    [InlineData("NONSENSE", "not an RFC 5545 RRULE")]
    public async Task A_series_must_be_finite_daily_or_weekly_and_not_too_long(string rrule, string message)
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());

        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Appointment/$book",
            SeriesParameters(Proposal("2025-07-07T13:00:00Z", "2025-07-07T13:30:00Z", await _client.PatientAsync(), doctor), rrule)), HttpStatusCode.BadRequest, message, "recurrence");
    }

    private static StringContent SeriesParameters(string appointment, string rrule) => FhirServerFactory.Json($$"""
        {"resourceType":"Parameters","parameter":[{"name":"appointment","resource":{{appointment}}},{"name":"recurrence","valueString":"{{rrule}}"}]}
        """);
}
