using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Hl7v2;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Audit.AuditLog;

namespace FhirPractice.Server.Tests.Audit;

/// <summary>
/// A Provenance for every version written (the versioned target, the commit instant, the activity, the agents), in
/// the write's own transaction; a write that fails leaves neither a Provenance nor an AuditEvent that claims it.
/// </summary>
public sealed class ProvenanceTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static string Activity(JsonNode p) => (string)p["activity"]!["coding"]![0]!["code"]!;

    [Fact]
    public async Task Create_update_and_delete_each_get_a_Provenance_of_the_version_they_wrote()
    {
        var id = (await _client.CreateAsync("""{"resourceType":"Patient","active":true}""")).Split('/')[1];
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.DeleteAsync($"Patient/{id}")).StatusCode);

        var provenances = await ProvenancesAsync(server.Services, $"Patient/{id}/");
        Assert.Equal(["CREATE", "UPDATE", "DELETE"], provenances.OrderBy(p => (string)p["target"]![0]!["reference"]!).Select(Activity));
        Assert.Equal([$"Patient/{id}/_history/1", $"Patient/{id}/_history/2", $"Patient/{id}/_history/3"],
            provenances.Select(p => (string)p["target"]![0]!["reference"]!).Order());
        var created = provenances.Single(p => Activity(p) == "CREATE");
        var stored = await (await _client.GetAsync($"Patient/{id}/_history/1")).JsonAsync();
        Assert.Equal(DateTimeOffset.Parse((string)stored["meta"]!["lastUpdated"]!), DateTimeOffset.Parse((string)created["recorded"]!));
        Assert.Equal("anonymous", (string?)created["agent"]![0]!["who"]!["display"]);
        // No Provenance of a Provenance or of an AuditEvent.
        Assert.Empty(await ProvenancesAsync(server.Services, "Provenance/"));
        Assert.Empty(await ProvenancesAsync(server.Services, "AuditEvent/"));
    }

    [Fact]
    public async Task The_records_built_before_a_write_carry_the_version_instant_and_activity_the_writer_decided()
    {
        // A PUT that creates is planned before anyone knows it creates; a conditional delete is not planned at all.
        var id = FhirHttp.Unique();
        var system = "urn:test:" + id;
        var put = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","identifier":[{"system":"{{system}}","value":"1"}]}"""));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var lastUpdated = (string)(await put.JsonAsync())["meta"]!["lastUpdated"]!;
        var created = Assert.Single(await ProvenancesAsync(server.Services, $"Patient/{id}/_history/1"));
        Assert.Equal("CREATE", Activity(created));
        Assert.Equal(DateTimeOffset.Parse(lastUpdated), DateTimeOffset.Parse((string)created["recorded"]!));

        // The AuditEvent's instant is indexed as its own, to the millisecond like meta.lastUpdated: a search at that instant finds it, with the version written.
        var found = await (await _client.GetAsync($"AuditEvent?entity=Patient/{id}&date=eq{Uri.EscapeDataString(lastUpdated)}")).JsonAsync();
        var auditEvent = Assert.Single(found["entry"]!.AsArray())!["resource"]!;
        Assert.Equal(DateTimeOffset.Parse(lastUpdated), DateTimeOffset.Parse((string)auditEvent["recorded"]!));
        Assert.Contains(auditEvent["entity"]!.AsArray(), e => (string?)e!["what"]?["reference"] == $"Patient/{id}/_history/1");
        var before = await (await _client.GetAsync($"AuditEvent?entity=Patient/{id}&date=lt{Uri.EscapeDataString(lastUpdated)}")).JsonAsync();
        Assert.Null(before["entry"]);

        Assert.Equal(HttpStatusCode.OK, (await _client.DeleteAsync($"Patient?identifier={Uri.EscapeDataString(system)}|1")).StatusCode);
        Assert.Equal("DELETE", Activity(Assert.Single(await ProvenancesAsync(server.Services, $"Patient/{id}/_history/2"))));
    }

    [Fact]
    public async Task Every_entry_of_a_transaction_gets_its_Provenance()
    {
        var family = FhirHttp.Unique();
        var response = await _client.PostAsync("", FhirServerFactory.Json("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","name":[{"family":"FAMILY"}]},"request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Organization","name":"FAMILY"},"request":{"method":"POST","url":"Organization"}}]}
            """.Replace("FAMILY", family)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var locations = (await response.JsonAsync())["entry"]!.AsArray().Select(e => ((string)e!["response"]!["location"]!)[(FhirServerFactory.BaseUrl.Length + 1)..]).ToList();
        foreach (var location in locations)
            Assert.Equal("CREATE", Activity(Assert.Single(await ProvenancesAsync(server.Services, location))));
    }

    [Fact]
    public async Task A_write_that_fails_leaves_no_Provenance_and_no_AuditEvent_claiming_success()
    {
        var id = (await _client.CreateAsync("""{"resourceType":"Patient","active":true}""")).Split('/')[1];
        var requestId = FhirHttp.Unique();
        var refused = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}"""),
            ("If-Match", "W/\"7\""), ("X-Request-Id", requestId));
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        var events = await EventsAsync(server.Services, requestId);
        Assert.Equal(["4"], events.Select(e => (string?)e["outcome"]));
        Assert.Empty(await ProvenancesAsync(server.Services, $"Patient/{id}/_history/2"));

        // A transaction whose second entry fails rolls back the first entry's write, its Provenance and its AuditEvent.
        var transactionId = FhirHttp.Unique();
        var failed = await _client.SendAsync(HttpMethod.Post, "", FhirServerFactory.Json("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Patient","id":"NEW"},"request":{"method":"PUT","url":"Patient/NEW"}},
              {"resource":{"resourceType":"Patient","id":"OLD"},"request":{"method":"PUT","url":"Patient/OLD","ifMatch":"W/\"9\""}}]}
            """.Replace("NEW", transactionId).Replace("OLD", id)), ("X-Request-Id", transactionId));
        Assert.Equal(HttpStatusCode.PreconditionFailed, failed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{transactionId}")).StatusCode);
        Assert.Empty(await ProvenancesAsync(server.Services, $"Patient/{transactionId}/"));
        Assert.All(await EventsAsync(server.Services, transactionId), e => Assert.Equal("4", (string?)e["outcome"]));
    }
}

/// <summary>Writes that come through the HL7 v2 bridge get Provenances and AuditEvents whose agent is the mllp door.</summary>
public sealed class MllpProvenanceTests(MllpServerFactory server) : IClassFixture<MllpServerFactory>
{
    [Fact]
    public async Task A_mapped_message_writes_Provenances_and_AuditEvents_naming_the_mllp_door_and_none_for_its_Bundle()
    {
        var mrn = FhirHttp.Unique();
        var ack = V2.Parse(await V2.SendAsync(server.Started().MllpPort, V2.Adt(FhirHttp.Unique(), mrn)));
        Assert.Equal("AA", ack.Get("MSA-1"));
        var patient = Assert.Single((await AllAsync(server.Services, "Patient")).Where(p => p["identifier"]!.AsArray().Any(i => (string?)i!["value"] == mrn)));
        var provenance = Assert.Single(await ProvenancesAsync(server.Services, $"Patient/{patient["id"]}/"));
        var who = provenance["agent"]![0]!["who"]!;
        Assert.Equal("mllp", (string?)who["identifier"]!["value"]);
        var events = (await AllAsync(server.Services, "AuditEvent")).Where(e => Data(e).Any(d => d?.StartsWith($"Patient/{patient["id"]}/") == true)).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Contains(e["agent"]!.AsArray(), a => (string?)a!["who"]?["identifier"]?["value"] == "mllp"));
        Assert.All(events, e => Assert.Empty(BalpRules.Violations(e)));
        Assert.Contains(events, e => Subtype(e) is "create" or "update");
        // The Bundle the bridge built is no client's interaction: its writes are recorded each, the message by the message store.
        Assert.DoesNotContain(await AllAsync(server.Services, "AuditEvent"), e => Subtype(e) == "transaction");
    }
}
