using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>Scheduling requests a client got wrong: a precise 4xx OperationOutcome, never a 500.</summary>
public sealed class SchedulingBadInputTests(SchedulingServerFactory server) : IClassFixture<SchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Theory]
    [InlineData("start=2025-06-10", "'end' is required", "end")]
    [InlineData("end=2025-06-10", "'start' is required", "start")]
    [InlineData("start=2025-06-10&end=2025-06-09", "after 'start'", "end")]
    [InlineData("start=2025-06-10&end=2025-12-10", "at most", "end")]
    [InlineData("start=yesterday&end=2025-06-11", "not a date", "start")]
    [InlineData("start=2025-06-10T10:00:00&end=2025-06-11", "time zone", "start")]
    [InlineData("start=2025-06-10&end=2025-06-11&_count=0", "_count", "_count")]
    [InlineData("start=2025-06-10&end=2025-06-11&patient=Practitioner/1", "not a Patient", "patient")]
    public async Task Find_refuses_bad_parameters_with_a_400(string query, string message, string expression)
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());

        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Appointment/$find?schedule={doctor}&{query}"), HttpStatusCode.BadRequest, message, expression);
    }

    [Theory]
    [InlineData("schedule=Schedule/unknown", "does not exist")]
    [InlineData("schedule=Patient/1", "not a reference to a Schedule")]
    [InlineData("", "At least one Schedule")]
    public async Task Find_needs_existing_schedules(string schedules, string message) =>
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Appointment/$find?{schedules}&start=2025-06-10&end=2025-06-11"),
            HttpStatusCode.UnprocessableEntity, message, "schedule");

    [Fact]
    public async Task Book_refuses_a_request_without_appointment_patient_or_hours()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();

        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Appointment/$book", FhirServerFactory.Json("""{"resourceType":"Parameters"}""")),
            HttpStatusCode.BadRequest, "'appointment'");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Appointment/$book", FhirServerFactory.Json("""{"resourceType":"Patient"}""")),
            HttpStatusCode.BadRequest, "Parameters");
        // Saturday, and 08:00 on a Tuesday: outside the hours.
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-14T13:00:00Z", "2025-06-14T13:30:00Z", patient, doctor), HttpStatusCode.UnprocessableEntity, "not open");
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T12:00:00Z", "2025-06-10T12:30:00Z", patient, doctor), HttpStatusCode.UnprocessableEntity, "not open");
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T13:30:00Z", "2025-06-10T13:00:00Z", patient, doctor), HttpStatusCode.UnprocessableEntity, "end after");
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T13:00:00Z", "2025-06-10T13:30:00Z", await _client.PractitionerAsync(), doctor),
            HttpStatusCode.UnprocessableEntity, "Patient participant");
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T13:00:00Z", "2025-06-10T13:30:00Z", patient),
            HttpStatusCode.UnprocessableEntity, "At least one Schedule");
    }

    [Fact]
    public async Task Instance_operations_on_a_missing_appointment_are_404_and_the_wrong_level_is_refused()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Appointment/missing/$cancel", WithReason("x")), HttpStatusCode.NotFound);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Appointment/$cancel", WithReason("x")), HttpStatusCode.NotFound, "not supported");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient/$find", WithReason("x")), HttpStatusCode.NotFound, "not supported");
    }

    [Fact]
    public async Task A_schedule_with_a_broken_rule_or_a_slot_ending_before_it_starts_is_refused()
    {
        var broken = await _client.PostAsync("Schedule", FhirServerFactory.Json($$$"""
            {"resourceType":"Schedule","actor":[{"reference":"Practitioner/x"}],
             "extension":[{"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=NEVER"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]}]}
            """));
        await FhirHttp.AssertOutcomeAsync(broken, HttpStatusCode.UnprocessableEntity, "RRULE", "availability");

        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var slot = await _client.PostAsync("Slot", FhirServerFactory.Json($$"""
            {"resourceType":"Slot","schedule":{"reference":"{{doctor}}"},"status":"busy","start":"2025-06-10T14:00:00Z","end":"2025-06-10T13:00:00Z"}
            """));
        await FhirHttp.AssertOutcomeAsync(slot, HttpStatusCode.UnprocessableEntity, "end after", "Slot.end");
    }

    [Fact]
    public async Task Operations_are_in_the_capability_statement()
    {
        var metadata = await (await _client.GetAsync("metadata")).JsonAsync();
        var appointment = metadata["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Appointment")!;
        var names = appointment["operation"]!.AsArray().Select(o => (string?)o!["name"]).ToList();

        Assert.Superset(new HashSet<string?> { "find", "hold", "book", "confirm", "cancel", "reschedule" }, names.ToHashSet());
    }
}
