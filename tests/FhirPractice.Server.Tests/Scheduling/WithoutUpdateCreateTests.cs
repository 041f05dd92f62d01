using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>A scheduling server whose engine does not create on update (<c>Engine:AllowUpdateCreate</c> off).</summary>
public sealed class NoUpdateCreateSchedulingServerFactory : SchedulingServerFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [.. base.Settings(), new("FhirPractice:Engine:AllowUpdateCreate", "false")];
}

/// <summary>$reschedule needs no update-as-create, and a client's PUT to a new id stays refused, also in a transaction.</summary>
public sealed class WithoutUpdateCreateTests(NoUpdateCreateSchedulingServerFactory server) : IClassFixture<NoUpdateCreateSchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Reschedule_moves_a_visit_to_an_overlapping_time_on_the_same_provider()
    {
        var doctor = await _client.ScheduleAsync(await _client.PractitionerAsync());
        var patient = await _client.PatientAsync();
        var old = await _client.BookedAsync("2025-06-10T13:00:00Z", "2025-06-10T13:30:00Z", patient, doctor);

        var response = await _client.PostAsync($"Appointment/{Id(old)}/$reschedule", WithAppointment(Proposal("2025-06-10T13:15:00Z", "2025-06-10T13:45:00Z", patient, doctor)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var moved = await response.JsonAsync();

        Assert.Equal("booked", (string?)moved["status"]);
        Assert.NotEqual(Id(old), Id(moved));
        Assert.Contains(moved["extension"]!.AsArray(), e => (string?)e!["url"] == "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.replaces"
            && (string?)e["valueReference"]!["reference"] == $"Appointment/{Id(old)}");
        Assert.Equal("cancelled", (string?)(await (await _client.GetAsync($"Appointment/{Id(old)}")).JsonAsync())["status"]);
        await FhirHttp.AssertOutcomeAsync(await _client.BookAsync("2025-06-10T13:30:00Z", "2025-06-10T14:00:00Z", await _client.PatientAsync(), doctor), HttpStatusCode.Conflict);
        await _client.BookedAsync("2025-06-10T13:00:00Z", "2025-06-10T13:15:00Z", await _client.PatientAsync(), doctor);
    }

    [Fact]
    public async Task A_clients_put_to_a_new_id_is_refused_alone_and_in_a_transaction()
    {
        var id = FhirHttp.Unique();
        await FhirHttp.AssertOutcomeAsync(await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}""")),
            HttpStatusCode.NotFound, "does not create on update");

        // A PUT to a new id beside a POST: the PUT is refused and nothing is written.
        var transaction = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","id":"{{{id}}}"},"request":{"method":"PUT","url":"Patient/{{{id}}}"}},
              {"fullUrl":"urn:uuid:9b7e1c52-0d1e-4a4e-9d55-3f1b2b3c4d5e","resource":{"resourceType":"Patient","name":[{"family":"{{{id}}}"}]},"request":{"method":"POST","url":"Patient"}}]}
            """;
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("", FhirServerFactory.Json(transaction)), HttpStatusCode.NotFound, "does not create on update");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{id}")).StatusCode);
        Assert.Equal(0, (int)(await (await _client.GetAsync($"Patient?family={id}&_summary=count")).JsonAsync())["total"]!);
    }
}
