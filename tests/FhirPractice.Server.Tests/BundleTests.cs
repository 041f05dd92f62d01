using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Rest;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests;

public sealed class BundleTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static StringContent Bundle(string type, params string[] entries) =>
        FhirServerFactory.Json($$$"""{"resourceType":"Bundle","type":"{{{type}}}","entry":[{{{string.Join(",", entries)}}}]}""");

    private static string PatientWith(string value, string extra = "") =>
        $$$"""{"resourceType":"Patient","identifier":[{"system":"urn:test:bundle","value":"{{{value}}}"}]{{{extra}}}}""";

    private async Task<int> CountAsync(string value) =>
        (int)(await (await _client.GetAsync($"Patient?identifier=urn:test:bundle|{value}&_total=accurate")).JsonAsync())["total"]!;

    private static List<JsonNode> Entries(JsonNode bundle) => bundle["entry"]!.AsArray().Select(e => e!).ToList();

    private static string Status(JsonNode entry) => (string)entry["response"]!["status"]!;

    [Fact]
    public async Task Transaction_creates_every_entry_and_rewrites_urn_uuid_references_to_the_assigned_ids()
    {
        var value = FhirHttp.Unique();
        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a","resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}""",
            """{"fullUrl":"urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059","resource":{"resourceType":"Observation","status":"final","code":{"text":"weight"},"subject":{"reference":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"}},"request":{"method":"POST","url":"Observation"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.JsonAsync();
        Assert.Equal("transaction-response", (string?)bundle["type"]);
        var entries = Entries(bundle);
        Assert.All(entries, e => Assert.StartsWith("201", Status(e)));
        var patientLocation = (string)entries[0]["response"]!["location"]!;
        Assert.Matches(@"^http://localhost/fhir/Patient/[^/]+/_history/1$", patientLocation);
        var patientId = patientLocation.Split('/')[^3];
        var observationId = ((string)entries[1]["response"]!["location"]!).Split('/')[^3];

        var observation = await (await _client.GetAsync($"Observation/{observationId}")).JsonAsync();
        Assert.Equal($"Patient/{patientId}", (string?)observation["subject"]!["reference"]);
        Assert.Equal(1, await CountAsync(value));
    }

    [Fact]
    public async Task Transaction_resolves_conditional_references_to_the_one_match()
    {
        var value = FhirHttp.Unique();
        var created = await (await _client.PostAsync("Patient", FhirServerFactory.Json(PatientWith(value)))).JsonAsync();
        var patientId = (string)created["id"]!;

        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{"resourceType":"Observation","status":"final","code":{"text":"weight"},"subject":{"reference":"Patient?identifier=urn:test:bundle|{{{value}}}"}},"request":{"method":"POST","url":"Observation"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var location = (string)Entries(await response.JsonAsync())[0]["response"]!["location"]!;
        var observation = await (await _client.GetAsync(location.Replace(FhirServerFactory.BaseUrl + "/", ""))).JsonAsync();
        Assert.Equal($"Patient/{patientId}", (string?)observation["subject"]!["reference"]);
    }

    [Fact]
    public async Task Transaction_with_a_conditional_reference_matching_nothing_fails_and_writes_nothing()
    {
        var value = FhirHttp.Unique();
        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}""",
            $$$"""{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?identifier=urn:test:bundle|{{{FhirHttp.Unique()}}}"}},"request":{"method":"POST","url":"Observation"}}"""));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.PreconditionFailed, "Bundle.entry[1]");
        Assert.Equal(0, await CountAsync(value));
    }

    [Fact]
    public async Task Transaction_is_all_or_nothing_when_an_entry_is_invalid()
    {
        var value = FhirHttp.Unique();
        var existing = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", existing);

        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}""",
            $$$"""{"request":{"method":"DELETE","url":"Patient/{{{existing}}}"}}""",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{FhirHttp.Unique()}}}"},"request":{"method":"PUT","url":"Patient/not-the-same"}}"""));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "Bundle.entry[2]");
        Assert.Equal(0, await CountAsync(value));
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{existing}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Transaction_fails_with_412_when_an_entry_If_Match_does_not_match_and_writes_nothing()
    {
        var value = FhirHttp.Unique();
        var target = FhirHttp.Unique();
        var doomed = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", target);
        await _client.PutNewAsync("Patient", doomed);

        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}""",
            $$$"""{"request":{"method":"DELETE","url":"Patient/{{{doomed}}}"}}""",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{target}}}","active":false},"request":{"method":"PUT","url":"Patient/{{{target}}}","ifMatch":"W/\"9\""}}"""));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.PreconditionFailed, "If-Match", "Bundle.entry[2]");
        Assert.Equal(0, await CountAsync(value));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Patient/{doomed}")).StatusCode);
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{target}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Transaction_with_a_matching_If_Match_in_an_entry_succeeds()
    {
        var target = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", target);

        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{target}}}","active":false},"request":{"method":"PUT","url":"Patient/{{{target}}}","ifMatch":"W/\"1\""}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("200", Status(Entries(await response.JsonAsync())[0]));
        Assert.Equal("W/\"2\"", (await _client.GetAsync($"Patient/{target}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Transaction_processes_DELETE_then_POST_then_PUT_then_GET_whatever_the_entry_order()
    {
        var value = FhirHttp.Unique();
        var target = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", target);

        // In bundle order this would read version 1, update, create, then delete the created patient.
        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"request":{"method":"GET","url":"Patient/{{{target}}}"}}""",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{target}}}","active":false},"request":{"method":"PUT","url":"Patient/{{{target}}}"}}""",
            $$$"""{"resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}""",
            $$$"""{"request":{"method":"DELETE","url":"Patient?identifier=urn:test:bundle|{{{value}}}"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = Entries(await response.JsonAsync());
        Assert.Equal(4, entries.Count);
        Assert.StartsWith("200", Status(entries[0]));
        Assert.Equal("2", (string?)entries[0]["resource"]!["meta"]!["versionId"]);
        Assert.False((bool)entries[0]["resource"]!["active"]!);
        Assert.StartsWith("200", Status(entries[1]));
        Assert.StartsWith("201", Status(entries[2]));
        Assert.True(Status(entries[3]).StartsWith("200") || Status(entries[3]).StartsWith("204"), Status(entries[3]));
        Assert.Equal(1, await CountAsync(value)); // the DELETE ran before the POST
    }

    [Fact]
    public async Task Transaction_conditional_create_that_matches_points_references_to_the_existing_resource()
    {
        var value = FhirHttp.Unique();
        var existing = (string)(await (await _client.PostAsync("Patient", FhirServerFactory.Json(PatientWith(value)))).JsonAsync())["id"]!;

        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0","resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient","ifNoneExist":"identifier=urn:test:bundle|{{{value}}}"}}""",
            """{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"}},"request":{"method":"POST","url":"Observation"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = Entries(await response.JsonAsync());
        Assert.StartsWith("200", Status(entries[0]));
        Assert.StartsWith("201", Status(entries[1]));
        var observationId = ((string)entries[1]["response"]!["location"]!).Split('/')[^3];
        var observation = await (await _client.GetAsync($"Observation/{observationId}")).JsonAsync();
        Assert.Equal($"Patient/{existing}", (string?)observation["subject"]!["reference"]);
        Assert.Equal(1, await CountAsync(value));
    }

    [Fact]
    public async Task Transaction_with_a_urn_uuid_reference_to_no_entry_is_400_and_writes_nothing()
    {
        var value = FhirHttp.Unique();
        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}""",
            """{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:9d3a2c58-0000-4000-8000-000000000000"}},"request":{"method":"POST","url":"Observation"}}"""));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "urn:uuid:9d3a2c58", "Bundle.entry[1]");
        Assert.Equal(0, await CountAsync(value));
    }

    [Fact]
    public async Task Transaction_with_a_FhirPath_patch_entry_patches_the_resource()
    {
        var target = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", target, """ "gender":"female" """);

        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.gender"},{"name":"value","valueCode":"male"}]}]},"request":{"method":"PATCH","url":"Patient/{{{target}}}"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("200", Status(Entries(await response.JsonAsync())[0]));
        Assert.Equal("male", (string?)(await (await _client.GetAsync($"Patient/{target}")).JsonAsync())["gender"]);
    }

    [Fact]
    public async Task Transaction_with_a_JSON_Patch_entry_in_a_Binary_patches_the_resource()
    {
        var target = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", target, """ "gender":"female" """);
        var patch = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/gender","value":"male"}]"""));

        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":"{{{patch}}}"},"request":{"method":"PATCH","url":"Patient/{{{target}}}"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("200", Status(Entries(await response.JsonAsync())[0]));
        Assert.Equal("male", (string?)(await (await _client.GetAsync($"Patient/{target}")).JsonAsync())["gender"]);
    }

    [Fact]
    public async Task A_transaction_entry_or_contained_resource_may_have_no_elements()
    {
        var response = await _client.PostAsync("", Bundle("transaction",
            """{"fullUrl":"urn:uuid:8f0c1b7e-5c1e-4a53-9a3e-3b1f2c0d9e11","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}}""",
            """{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"contained":[{"resourceType":"Device","id":"d"}],"subject":{"reference":"urn:uuid:8f0c1b7e-5c1e-4a53-9a3e-3b1f2c0d9e11"}},"request":{"method":"POST","url":"Observation"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = Entries(await response.JsonAsync());
        Assert.StartsWith("201", Status(entries[0]));
        Assert.StartsWith("201", Status(entries[1]));
    }

    [Fact]
    public async Task Batch_entries_are_independent_and_a_failing_entry_has_its_own_status_and_outcome()
    {
        var first = FhirHttp.Unique();
        var last = FhirHttp.Unique();
        var response = await _client.PostAsync("", Bundle("batch",
            $$$"""{"resource":{{{PatientWith(first)}}},"request":{"method":"POST","url":"Patient"}}""",
            """{"resource":{"resourceType":"Patient","id":"a"},"request":{"method":"PUT","url":"Patient/b"}}""",
            $$$"""{"request":{"method":"GET","url":"Patient/{{{FhirHttp.Unique()}}}"}}""",
            $$$"""{"resource":{{{PatientWith(last)}}},"request":{"method":"POST","url":"Patient"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.JsonAsync();
        Assert.Equal("batch-response", (string?)bundle["type"]);
        var entries = Entries(bundle);
        Assert.StartsWith("201", Status(entries[0]));
        Assert.StartsWith("400", Status(entries[1]));
        Assert.Equal("OperationOutcome", (string?)entries[1]["response"]!["outcome"]!["resourceType"]);
        Assert.Contains("does not match", (string?)entries[1]["response"]!["outcome"]!["issue"]![0]!["diagnostics"]);
        Assert.StartsWith("404", Status(entries[2]));
        Assert.Equal("OperationOutcome", (string?)entries[2]["response"]!["outcome"]!["resourceType"]);
        Assert.StartsWith("201", Status(entries[3]));
        Assert.Equal(1, await CountAsync(first));
        Assert.Equal(1, await CountAsync(last));
    }

    [Fact]
    public async Task Batch_entry_with_a_stale_If_Match_fails_alone_with_412()
    {
        var target = FhirHttp.Unique();
        var value = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", target);

        var response = await _client.PostAsync("", Bundle("batch",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{target}}}","active":false},"request":{"method":"PUT","url":"Patient/{{{target}}}","ifMatch":"W/\"4\""}}""",
            $$$"""{"resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = Entries(await response.JsonAsync());
        Assert.StartsWith("412", Status(entries[0]));
        Assert.NotNull(entries[0]["response"]!["outcome"]);
        Assert.StartsWith("201", Status(entries[1]));
        Assert.Equal(1, await CountAsync(value));
    }

    [Fact]
    public async Task Bundle_entry_without_request_is_400_naming_the_entry()
    {
        var response = await _client.PostAsync("", Bundle("batch", """{"resource":{"resourceType":"Patient","active":true}}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "request", "Bundle.entry[0].request");
    }

    [Theory]
    [InlineData("Patient/{0}/_history/1")]
    [InlineData("Patient/{0}/extra")]
    [InlineData("Patient")]
    public async Task Transaction_DELETE_entry_whose_url_is_not_Type_id_or_a_condition_is_400_and_deletes_nothing(string url)
    {
        var target = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", target);

        var response = await _client.PostAsync("", Bundle("transaction", $$$"""{"request":{"method":"DELETE","url":"{{{string.Format(url, target)}}}"}}"""));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "DELETE", "Bundle.entry[0]");
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Patient/{target}")).StatusCode);
    }

    [Fact]
    public async Task Transaction_with_two_entries_for_the_same_resource_is_400_and_writes_nothing()
    {
        var target = FhirHttp.Unique();
        var response = await _client.PostAsync("", Bundle("transaction",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{target}}}","active":true},"request":{"method":"PUT","url":"Patient/{{{target}}}"}}""",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{target}}}","active":false},"request":{"method":"PUT","url":"Patient/{{{target}}}"}}"""));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "more than one entry", "Bundle.entry[1]");
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{target}")).StatusCode);
    }

    [Fact]
    public async Task Transaction_whose_entries_are_prepared_together_reports_the_first_failing_entry_and_writes_nothing()
    {
        var value = FhirHttp.Unique();
        // An id the URL gives is checked when its entry is prepared: entries 5 and 9 both fail there.
        var entries = Enumerable.Range(0, 12).Select(i =>
            $$$"""{"resource":{{{PatientWith(value)}}},"request":{"method":"PUT","url":"Patient/{{{(i is 5 or 9 ? $"bad_{i}" : FhirHttp.Unique())}}}"}}""").ToArray();

        var response = await _client.PostAsync("", Bundle("transaction", entries));

        var outcome = await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "Bundle.entry[5]: 'bad_5' is not a valid resource id", "Bundle.entry[5]");
        Assert.DoesNotContain("entry[9]", outcome.ToJsonString());
        Assert.Equal(0, await CountAsync(value));
    }

    [Fact]
    public async Task Transaction_prepared_together_keeps_each_entry_its_own_id_references_and_response()
    {
        var value = FhirHttp.Unique();
        const int observations = 16;
        var patient = $$$"""{"fullUrl":"urn:uuid:5a0c3f7e-1b7d-4c55-9f3a-0b1d2e3f4a5b","resource":{{{PatientWith(value)}}},"request":{"method":"POST","url":"Patient"}}""";
        var entries = Enumerable.Range(0, observations).Select(i =>
            $$$"""{"fullUrl":"urn:uuid:00000000-0000-4000-8000-{{{i:D12}}}","resource":{"resourceType":"Observation","status":"final","code":{"text":"n{{{i}}}"},"subject":{"reference":"urn:uuid:5a0c3f7e-1b7d-4c55-9f3a-0b1d2e3f4a5b"}{{{(i == 0 ? "" : $$$""","hasMember":[{"reference":"urn:uuid:00000000-0000-4000-8000-{{{i - 1:D12}}}"}]""")}}}},"request":{"method":"POST","url":"Observation"}}""");

        var response = await _client.PostAsync("", Bundle("transaction", [.. entries, patient]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = Entries(await response.JsonAsync());
        var patientId = ((string)answered[observations]["response"]!["location"]!).Split('/')[^3];
        var ids = answered.Take(observations).Select(e => ((string)e["response"]!["location"]!).Split('/')[^3]).ToList();
        Assert.Equal(observations, ids.Distinct().Count());
        for (var i = 0; i < observations; i++)
        {
            var observation = await (await _client.GetAsync($"Observation/{ids[i]}")).JsonAsync();
            Assert.Equal($"n{i}", (string?)observation["code"]!["text"]);
            Assert.Equal($"Patient/{patientId}", (string?)observation["subject"]!["reference"]);
            if (i > 0) Assert.Equal($"Observation/{ids[i - 1]}", (string?)observation["hasMember"]![0]!["reference"]);
        }
    }

    [Fact]
    public async Task Transaction_with_Prefer_return_minimal_answers_each_write_with_its_location_and_no_resource()
    {
        var target = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Post, "", Bundle("transaction",
            $$$"""{"resource":{"resourceType":"Patient","id":"{{{target}}}","active":true},"request":{"method":"PUT","url":"Patient/{{{target}}}"}}""",
            $$$"""{"resource":{{{PatientWith(FhirHttp.Unique())}}},"request":{"method":"POST","url":"Patient"}}"""), ("Prefer", "return=minimal"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answered = Entries(await response.JsonAsync());
        Assert.Equal($"{FhirServerFactory.BaseUrl}/Patient/{target}/_history/1", (string?)answered[0]["response"]!["location"]);
        Assert.Matches(@"/Patient/[^/]+/_history/1$", (string)answered[1]["response"]!["location"]!);
        Assert.All(answered, e => Assert.Null(e["resource"]));
    }

    [Fact]
    public async Task Transaction_built_in_memory_with_one_resource_object_in_several_entries_writes_each_with_its_own_id()
    {
        var value = FhirHttp.Unique();
        var patient = new Hl7.Fhir.Model.Patient { Identifier = [new Hl7.Fhir.Model.Identifier("urn:test:bundle", value)] };
        var bundle = new Hl7.Fhir.Model.Bundle { Type = Hl7.Fhir.Model.Bundle.BundleType.Transaction };
        for (var i = 0; i < 6; i++)
            bundle.Entry.Add(new Hl7.Fhir.Model.Bundle.EntryComponent
            {
                Resource = patient,
                Request = new Hl7.Fhir.Model.Bundle.RequestComponent { Method = Hl7.Fhir.Model.Bundle.HTTPVerb.POST, Url = "Patient" },
            });

        var response = await server.Services.GetRequiredService<FhirEngine>().HandleAsync(
            new FhirRequest("POST", "", []) { ParsedBody = bundle, Caller = FhirCaller.Internal("test"), Return = PreferReturn.Minimal });

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var ids = ((Hl7.Fhir.Model.Bundle)response.ToResource()!).Entry.Select(e => e.Response.Location.Split('/')[^3]).ToList();
        Assert.Equal(6, ids.Distinct().Count());
        foreach (var id in ids)
            Assert.Equal(id, (string?)(await (await _client.GetAsync($"Patient/{id}")).JsonAsync())["id"]);
        Assert.Equal(6, await CountAsync(value));
    }
}
