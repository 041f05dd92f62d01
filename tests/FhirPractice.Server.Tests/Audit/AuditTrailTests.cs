using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Audit.AuditLog;

namespace FhirPractice.Server.Tests.Audit;

/// <summary>
/// Every interaction kind, and its failures, leaves AuditEvents that meet the BALP rules (<see cref="BalpRules"/>):
/// the right subtype, action, outcome, entities and patients. Each request is tagged with its own X-Request-Id,
/// which the AuditEvent carries.
/// </summary>
public sealed class AuditTrailTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    /// <summary>Sends a request tagged with a fresh request id; returns the answer and the AuditEvents recorded for it.</summary>
    private async Task<(HttpResponseMessage Response, List<JsonNode> Events)> AuditedAsync(HttpMethod method, string url, HttpContent? content = null,
        params (string, string)[] headers)
    {
        var id = FhirHttp.Unique();
        var response = await _client.SendAsync(method, url, content, [.. headers, ("X-Request-Id", id)]);
        var events = await EventsAsync(server.Services, id);
        Assert.NotEmpty(events);
        foreach (var e in events) Assert.True(BalpRules.Violations(e).Count == 0, string.Join("; ", BalpRules.Violations(e)) + "\n" + e.ToJsonString());
        return (response, events);
    }

    private static JsonNode Single(List<JsonNode> events, string subtype)
    {
        var matching = events.Where(e => Subtype(e) == subtype).ToList();
        Assert.True(matching.Count == 1, $"{matching.Count} AuditEvents with subtype {subtype} among {events.Count}");
        return matching[0];
    }

    private async Task<string> PatientAsync()
    {
        var response = await _client.PostAsync("Patient", FhirServerFactory.Json("""{"resourceType":"Patient","name":[{"family":"Audit"}]}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.JsonAsync())["id"]!;
    }

    [Fact]
    public async Task Create_read_vread_update_patch_and_delete_each_record_their_interaction_with_the_versioned_resource_and_its_patient()
    {
        var (created, events) = await AuditedAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""));
        var id = (string)(await created.JsonAsync())["id"]!;
        var create = Single(events, "create");
        Assert.Equal("C", (string?)create["action"]);
        Assert.Equal("0", (string?)create["outcome"]);
        Assert.Equal([$"Patient/{id}/_history/1"], Data(create));
        Assert.Equal([$"Patient/{id}"], Patients(create));
        Assert.Equal("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientCreate", (string?)create["meta"]!["profile"]![0]);

        var read = Single((await AuditedAsync(HttpMethod.Get, $"Patient/{id}")).Events, "read");
        Assert.Equal("R", (string?)read["action"]);
        Assert.Equal([$"Patient/{id}/_history/1"], Data(read));
        Single((await AuditedAsync(HttpMethod.Get, $"Patient/{id}/_history/1")).Events, "vread");

        var update = Single((await AuditedAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","active":false}"""))).Events, "update");
        Assert.Equal("U", (string?)update["action"]);
        Assert.Equal([$"Patient/{id}/_history/2"], Data(update));

        var patch = Single((await AuditedAsync(HttpMethod.Patch, $"Patient/{id}", FhirHttp.Raw("""[{"op":"replace","path":"/active","value":true}]""", "application/json-patch+json"))).Events, "patch");
        Assert.Equal([$"Patient/{id}/_history/3"], Data(patch));

        var delete = Single((await AuditedAsync(HttpMethod.Delete, $"Patient/{id}")).Events, "delete");
        Assert.Equal("D", (string?)delete["action"]);
        Assert.Equal([$"Patient/{id}/_history/4"], Data(delete));
    }

    [Theory]
    [InlineData("return=minimal")]
    [InlineData("return=OperationOutcome")]
    [InlineData("return=representation")]
    public async Task A_conditional_create_that_finds_its_match_names_the_version_found_whatever_the_body(string prefer)
    {
        var patient = await PatientAsync();
        var tag = FhirHttp.Unique();
        var body = $$$"""{"resourceType":"Observation","identifier":[{"system":"urn:test:audit","value":"{{{tag}}}"}],"status":"final","code":{"text":"t"},"subject":{"reference":"Patient/{{{patient}}}"}}""";
        var first = await _client.SendAsync(HttpMethod.Post, "Observation", FhirServerFactory.Json(body), ("If-None-Exist", $"identifier=urn:test:audit|{tag}"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (string)(await first.JsonAsync())["id"]!;

        var (again, events) = await AuditedAsync(HttpMethod.Post, "Observation", FhirServerFactory.Json(body),
            ("If-None-Exist", $"identifier=urn:test:audit|{tag}"), ("Prefer", prefer));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var create = Single(events, "create");
        Assert.Equal([$"Observation/{id}/_history/1"], Data(create));
        Assert.Equal([$"Patient/{patient}"], Patients(create));
    }

    [Fact]
    public async Task A_search_records_the_query_once_and_once_more_per_patient_in_its_result()
    {
        var (a, b) = (await PatientAsync(), await PatientAsync());
        var code = FhirHttp.Unique();
        foreach (var subject in new[] { a, b, a })
            await _client.CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test:audit","code":"{{{code}}}"}]},"subject":{"reference":"Patient/{{{subject}}}"}}""");

        var (_, events) = await AuditedAsync(HttpMethod.Get, $"Observation?code=urn:test:audit|{code}");
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal("search-type", Subtype(e)));
        Assert.All(events, e => Assert.Equal("E", (string?)e["action"]));
        var query = events.Single(e => !Patients(e).Any());
        Assert.EndsWith("IHE.BasicAudit.Query", (string?)query["meta"]!["profile"]![0]);
        var text = Encoding.UTF8.GetString(Convert.FromBase64String((string)query["entity"]!.AsArray().First(x => (string?)x!["role"]?["code"] == "24")!["query"]!));
        Assert.Equal($"{FhirServerFactory.BaseUrl}/Observation?code=urn%3Atest%3Aaudit%7C{code}", text);
        Assert.Equal([$"Patient/{a}", $"Patient/{b}"], events.SelectMany(Patients).Order());
        Assert.All(events.Where(e => Patients(e).Any()), e => Assert.EndsWith("IHE.BasicAudit.PatientQuery", (string?)e["meta"]!["profile"]![0]));
    }

    [Theory]
    [InlineData("GET", "", "search-system")]
    [InlineData("GET", "_history", "history-system")]
    [InlineData("GET", "Patient/_history", "history-type")]
    [InlineData("GET", "metadata", "capabilities")]
    public async Task System_level_reads_are_recorded(string method, string url, string subtype)
    {
        var (response, events) = await AuditedAsync(new HttpMethod(method), url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", (string?)Single(events.Where(e => !Patients(e).Any()).ToList(), subtype)["outcome"]);
    }

    [Fact]
    public async Task Operations_history_and_compartment_searches_are_recorded_with_their_patients()
    {
        var id = await PatientAsync();
        var everything = (await AuditedAsync(HttpMethod.Get, $"Patient/{id}/$everything")).Events;
        Assert.Contains(everything, e => Subtype(e) == "operation" && Patients(e).SequenceEqual([$"Patient/{id}"]));
        var history = (await AuditedAsync(HttpMethod.Get, $"Patient/{id}/_history")).Events;
        Assert.Contains(history, e => Subtype(e) == "history-instance" && Patients(e).SequenceEqual([$"Patient/{id}"]));
        var validate = (await AuditedAsync(HttpMethod.Post, "Patient/$validate", FhirServerFactory.Json("""{"resourceType":"Patient"}"""))).Events;
        Assert.Equal("E", (string?)Single(validate, "operation")["action"]);
    }

    [Fact]
    public async Task A_transaction_records_itself_and_each_entry_and_a_batch_records_itself_and_each_entry()
    {
        var (response, events) = await AuditedAsync(HttpMethod.Post, "", FhirServerFactory.Json("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:6f1b0b36-1111-4a3c-9a53-000000000001","resource":{"resourceType":"Patient","active":true},"request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Observation","status":"final","code":{"text":"t"},"subject":{"reference":"urn:uuid:6f1b0b36-1111-4a3c-9a53-000000000001"}},"request":{"method":"POST","url":"Observation"}}]}
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("E", (string?)Single(events, "transaction")["action"]);
        var creates = events.Where(e => Subtype(e) == "create").ToList();
        Assert.Equal(2, creates.Count);
        var patient = creates.SelectMany(Data).Single(d => d!.StartsWith("Patient/"))!;
        Assert.All(creates, c => Assert.Equal([patient[..patient.IndexOf("/_history", StringComparison.Ordinal)]], Patients(c)));

        var batch = (await AuditedAsync(HttpMethod.Post, "", FhirServerFactory.Json("""
            {"resourceType":"Bundle","type":"batch","entry":[
              {"request":{"method":"GET","url":"metadata"}},
              {"request":{"method":"GET","url":"Patient/does-not-exist"}}]}
            """))).Events;
        Single(batch, "batch");
        Single(batch, "capabilities");
        Assert.Equal("4", (string?)Single(batch, "read")["outcome"]);
    }

    [Theory]
    [InlineData("GET", "Patient/nobody-here", null, null, HttpStatusCode.NotFound, "read")]
    [InlineData("GET", "Patient?birthdate=notadate", null, null, HttpStatusCode.BadRequest, "search-type")]
    [InlineData("GET", "Nonsense/1", null, null, HttpStatusCode.NotFound, "read")]
    [InlineData("POST", "Patient", """{"resourceType":"Patient","birthDate":"not a date"}""", "application/fhir+json", HttpStatusCode.BadRequest, "create")]
    [InlineData("POST", "Patient", "<Patient/>", "text/plain", HttpStatusCode.UnsupportedMediaType, "create")]
    [InlineData("DELETE", "metadata", null, null, HttpStatusCode.MethodNotAllowed, "capabilities")]
    public async Task Every_failure_is_recorded_with_its_status_and_diagnostics(string method, string url, string? body, string? mediaType, HttpStatusCode status, string subtype)
    {
        var (response, events) = await AuditedAsync(new HttpMethod(method), url, body is null ? null : FhirHttp.Raw(body, mediaType!),
            url.Contains("birthdate") ? [("Prefer", "handling=strict")] : []);
        Assert.Equal(status, response.StatusCode);
        var failure = Single(events, subtype);
        Assert.Equal("4", (string?)failure["outcome"]);
        Assert.StartsWith($"{(int)status}", (string?)failure["outcomeDesc"]);
        Assert.Null(failure["meta"]?["profile"]);
    }

    [Fact]
    public async Task Not_acceptable_is_recorded_although_the_engine_never_sees_the_request()
    {
        var (response, events) = await AuditedAsync(HttpMethod.Get, "metadata", null, ("Accept", "text/csv"));
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("4", (string?)Single(events, "capabilities")["outcome"]);
    }

    [Fact]
    public async Task A_client_may_not_write_the_chain_extensions()
    {
        var response = await _client.PostAsync("AuditEvent", FhirServerFactory.Json("""
            {"resourceType":"AuditEvent","extension":[{"url":"http://fhirpractice.org/fhir/StructureDefinition/audit-chain-hash","valueBase64Binary":"AAAA"}],
             "type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110100"},"recorded":"2024-01-01T00:00:00Z",
             "agent":[{"who":{"display":"x"},"requestor":true}],"source":{"observer":{"display":"x"}}}
            """));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity, "audit-chain");
    }

    [Fact]
    public async Task The_user_and_client_of_the_token_are_the_agents()
    {
        // The HTTP door reads the caller from the token; the engine gets it as FhirRequest.Caller. Here the caller is set directly.
        var engine = (FhirPractice.Fhir.Rest.FhirEngine)server.Services.GetService(typeof(FhirPractice.Fhir.Rest.FhirEngine))!;
        var requestId = FhirHttp.Unique();
        var caller = new FhirPractice.Fhir.Rest.FhirCaller { Door = "http", ClientId = "growth-chart", Subject = "u-17", FhirUser = "Practitioner/17", RemoteAddress = "192.0.2.7" };
        var answer = await engine.HandleAsync(new FhirPractice.Fhir.Rest.FhirRequest("GET", "metadata", []) { Caller = caller, RequestId = requestId });
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var e = Assert.Single(await EventsAsync(server.Services, requestId));
        Assert.Empty(BalpRules.Violations(e));
        var agents = e["agent"]!.AsArray();
        var client = agents.Single(a => (string?)a!["type"]!["coding"]![0]!["code"] == "110153")!;
        Assert.Equal("growth-chart", (string?)client["who"]!["identifier"]!["value"]);
        Assert.Equal("192.0.2.7", (string?)client["network"]!["address"]);
        Assert.False((bool)client["requestor"]!);
        var user = agents.Single(a => (string?)a!["type"]!["coding"]![0]!["code"] == "IRCP")!;
        Assert.Equal("Practitioner/17", (string?)user["who"]!["reference"]);
        Assert.True((bool)user["requestor"]!);
    }

    [Fact]
    public async Task Whole_compartment_searches_leave_the_records_about_the_record_out_unless_asked_by_type()
    {
        var id = await PatientAsync();
        await _client.GetAsync($"Patient/{id}");
        static async Task<List<string>> TypesAsync(HttpResponseMessage response) =>
            (await response.JsonAsync())["entry"]!.AsArray().Select(e => (string)e!["resource"]!["resourceType"]!).ToList();

        Assert.Equal(["Patient"], await TypesAsync(await _client.GetAsync($"Patient/{id}/*")));
        Assert.Equal(["Patient"], await TypesAsync(await _client.GetAsync($"Patient/{id}/$everything")));
        Assert.Contains("AuditEvent", await TypesAsync(await _client.GetAsync($"Patient/{id}/AuditEvent")));
        var asked = await TypesAsync(await _client.GetAsync($"Patient/{id}/$everything?_type=AuditEvent,Provenance"));
        Assert.Contains("AuditEvent", asked);
        Assert.Contains("Provenance", asked);
    }
}
