using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>The R4 Schedule, Slot, Appointment and AppointmentResponse searches over what booking writes, and the custom Slot <c>end</c>.</summary>
public sealed class SchedulingSearchTests(SchedulingServerFactory server) : IClassFixture<SchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Booked_resources_are_found_by_the_R4_parameters_and_slots_by_overlap()
    {
        var practitioner = await _client.PractitionerAsync();
        var room = await _client.CreateAsync("""{"resourceType":"Location","name":"Room"}""");
        var doctor = await _client.ScheduleAsync(practitioner, $$$"""{"url":"{{{Ext}}}buffer-after-minutes","valuePositiveInt":10}""");
        var roomSchedule = await _client.ScheduleAsync(room);
        var patient = await _client.PatientAsync();
        var appointment = await _client.BookedAsync("2025-06-17T13:00:00Z", "2025-06-17T13:30:00Z", patient, doctor, roomSchedule);
        var id = $"Appointment/{Id(appointment)}";
        var slots = appointment["slot"]!.AsArray().Select(s => (string)s!["reference"]!).ToArray();

        Assert.Equal([doctor], await _client.MatchesAsync($"Schedule?actor={practitioner}"));
        Assert.Equal([id], await _client.MatchesAsync($"Appointment?patient={patient}&date=2025-06-17&status=booked"));
        Assert.Equal([id], await _client.MatchesAsync($"Appointment?practitioner={practitioner}&location={room}"));
        Assert.Equal([id], await _client.MatchesAsync($"Appointment?actor={room}&slot={slots[0]}"));
        Assert.Equal(3, (await _client.MatchesAsync($"Slot?schedule={doctor},{roomSchedule}&status=busy")).Count);
        // Overlap with [13:35, 13:50): only the doctor's buffer 13:30–13:40, found through start < b and end > a.
        var overlapping = await _client.MatchesAsync($"Slot?schedule={doctor},{roomSchedule}&start=lt2025-06-17T13:50:00Z&end=gt2025-06-17T13:35:00Z");
        var buffer = Assert.Single(overlapping);
        Assert.Equal("buffer after", (string?)(await (await _client.GetAsync(buffer)).JsonAsync())["comment"]);

        var response = await _client.CreateAsync($$"""
            {"resourceType":"AppointmentResponse","appointment":{"reference":"{{id}}"},"actor":{"reference":"{{patient}}"},"participantStatus":"accepted"}
            """);
        Assert.Equal([response], await _client.MatchesAsync($"AppointmentResponse?appointment={id}&actor={patient}&part-status=accepted"));
        Assert.Equal([response], await _client.MatchesAsync($"AppointmentResponse?patient={patient}"));
    }

    [Fact]
    public async Task Every_scheduling_operation_has_an_operation_definition_in_conformance()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "conformance");
        var metadata = await (await _client.GetAsync("metadata")).JsonAsync();
        var operations = metadata["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Appointment")!["operation"]!.AsArray();

        foreach (var name in new[] { "find", "hold", "book", "confirm", "cancel", "reschedule", "check-in", "no-show", "reply" })
        {
            var canonical = (string?)operations.Single(o => (string?)o!["name"] == name)!["definition"];
            var file = Path.Combine(folder, $"OperationDefinition-Appointment-{name}.json");
            var definition = Assert.IsType<Hl7.Fhir.Model.OperationDefinition>(FhirPractice.Fhir.Rest.ResourceSerializer.ParseJson(await File.ReadAllBytesAsync(file)));
            Assert.Equal(canonical, definition.Url);
            Assert.Equal(name, definition.Code);
        }
    }
}
