using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class ReindexTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static readonly (string, string) Strict = ("Prefer", "handling=strict");

    private static string IdentifierParameter(string code) => $$"""
        {"resourceType":"SearchParameter","url":"http://example.org/SearchParameter/{{code}}","name":"X","status":"active",
         "description":"test","code":"{{code}}","base":["Patient"],"type":"token",
         "expression":"Patient.identifier.where(system = 'urn:test:{{code}}')"}
        """;

    private static async Task<string> CreateAsync(HttpClient client, string type, string json)
    {
        var response = await client.PostAsync(type, FhirServerFactory.Json(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.JsonAsync())["id"]!;
    }

    private static Task<string> PatientAsync(HttpClient client, string code, string value) =>
        CreateAsync(client, "Patient", $$"""{"resourceType":"Patient","identifier":[{"system":"urn:test:{{code}}","value":"{{value}}"}]}""");

    private static async Task<int> CountAsync(HttpClient client, string url)
    {
        var response = await client.SendAsync(HttpMethod.Get, url + "&_total=accurate&_count=0", null, Strict);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (int)(await response.JsonAsync())["total"]!;
    }

    /// <summary>Starts $reindex and returns the status URL from Content-Location.</summary>
    private static async Task<string> StartAsync(HttpClient client, string url, string? parameters = null)
    {
        var response = await client.PostAsync(url, parameters is null ? null : FhirServerFactory.Json(parameters));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var location = response.Content.Headers.ContentLocation?.ToString();
        Assert.NotNull(location);
        Assert.StartsWith($"{FhirServerFactory.BaseUrl}/_jobs/", location);
        return location;
    }

    /// <summary>Polls the status URL until the job is done; returns the final answer's body.</summary>
    private static async Task<JsonNode> WaitAsync(HttpClient client, string status)
    {
        for (var i = 0; i < 300; i++)
        {
            var response = await client.GetAsync(status);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Assert.True(response.Headers.Contains("X-Progress"));
                await Task.Delay(100);
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await response.JsonAsync();
        }
        throw new TimeoutException("the reindex job did not end");
    }

    private static JsonNode? Part(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == name);

    [Fact]
    public async Task Reindex_of_a_type_makes_existing_resources_findable_by_a_new_parameter()
    {
        var code = "x" + FhirHttp.Unique();
        for (var i = 0; i < 3; i++) await PatientAsync(_client, code, "same");
        await CreateAsync(_client, "SearchParameter", IdentifierParameter(code));
        Assert.Equal(0, await CountAsync(_client, $"Patient?{code}=same"));

        var summary = await WaitAsync(_client, await StartAsync(_client, "Patient/$reindex"));

        Assert.Equal(3, await CountAsync(_client, $"Patient?{code}=same"));
        Assert.Equal("Parameters", (string?)summary["resourceType"]);
        Assert.Equal("completed", (string?)Part(summary, "status")!["valueCode"]);
        Assert.Equal("Patient", (string?)Part(summary, "type")!["valueCode"]);
        Assert.True((int)Part(summary, "reindexed")!["valueInteger"]! >= 3);
    }

    [Fact]
    public async Task Reindex_of_only_one_parameter_leaves_the_other_entries_in_place()
    {
        var code = "x" + FhirHttp.Unique();
        var family = FhirHttp.Unique();
        await CreateAsync(_client, "Patient", $$"""{"resourceType":"Patient","name":[{"family":"{{family}}"}],"identifier":[{"system":"urn:test:{{code}}","value":"v"}]}""");
        await CreateAsync(_client, "SearchParameter", IdentifierParameter(code));

        var summary = await WaitAsync(_client, await StartAsync(_client, "$reindex",
            $$"""{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"{{code}}"}]}"""));

        Assert.Equal(1, await CountAsync(_client, $"Patient?{code}=v"));
        Assert.Equal(1, await CountAsync(_client, $"Patient?family={family}"));
        Assert.Equal("Patient", (string?)Part(summary, "type")!["valueCode"]);
        Assert.Equal(code, (string?)Part(summary, "code")!["valueCode"]);
    }

    [Theory]
    [InlineData("$reindex?_type=NotAType", null, "'NotAType' is not a resource type")]
    [InlineData("Patient/$reindex?_type=Observation", null, "reindexes Patient only")]
    [InlineData("Patient/$reindex", """{"resourceType":"Parameters","parameter":[{"name":"code","valueCode":"no-such-code"}]}""", "no-such-code")]
    [InlineData("$reindex", """{"resourceType":"Parameters","parameter":[{"name":"everything","valueBoolean":true}]}""", "no parameter 'everything'")]
    [InlineData("$reindex", """{"resourceType":"Patient"}""", "takes a Parameters body")]
    public async Task A_bad_reindex_request_is_refused_with_400(string url, string? body, string diagnostics)
    {
        var response = await _client.PostAsync(url, body is null ? null : FhirServerFactory.Json(body));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, diagnostics);
    }

    [Fact]
    public async Task Reindex_is_not_offered_on_an_instance_nor_with_GET()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient/1/$reindex", null), HttpStatusCode.NotFound, "$reindex");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("$reindex"), HttpStatusCode.MethodNotAllowed, "POST");
    }

    [Fact]
    public async Task An_unknown_job_is_404_for_status_and_cancel()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("_jobs/nope"), HttpStatusCode.NotFound, "nope");
        await FhirHttp.AssertOutcomeAsync(await _client.DeleteAsync("_jobs/nope"), HttpStatusCode.NotFound, "nope");
    }

    [Fact]
    public async Task Deleting_a_finished_job_says_it_had_ended_and_its_status_stays_completed()
    {
        var status = await StartAsync(_client, "Patient/$reindex");
        await WaitAsync(_client, status);

        var cancel = await _client.DeleteAsync(status);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Contains("already ended", await cancel.Content.ReadAsStringAsync());
        Assert.Equal("completed", (string?)Part(await WaitAsync(_client, status), "status")!["valueCode"]);
    }

    [Fact]
    public async Task A_cancelled_job_stops_and_reports_cancelled()
    {
        using var database = new TemporaryDatabase();
        var code = "x" + FhirHttp.Unique();
        using var slow = new RestartableServerFactory(database.Path, ("FhirPractice:Reindex:BatchSize", "1"), ("FhirPractice:Reindex:BatchPause", "00:00:00.200"));
        for (var i = 0; i < 10; i++) await PatientAsync(slow.Client, code, "v");
        await CreateAsync(slow.Client, "SearchParameter", IdentifierParameter(code));
        var status = await StartAsync(slow.Client, "Patient/$reindex");

        var cancel = await slow.Client.DeleteAsync(status);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var summary = await WaitAsync(slow.Client, status);
        Assert.Equal("cancelled", (string?)Part(summary, "status")!["valueCode"]);
        Assert.True(await CountAsync(slow.Client, $"Patient?{code}=v") < 10);
    }

    [Fact]
    public async Task A_job_interrupted_by_a_restart_resumes_from_its_last_batch()
    {
        using var database = new TemporaryDatabase();
        var code = "x" + FhirHttp.Unique();
        string status;
        using (var first = new RestartableServerFactory(database.Path, ("FhirPractice:Reindex:BatchSize", "2"), ("FhirPractice:Reindex:BatchPause", "00:00:00.300")))
        {
            for (var i = 0; i < 12; i++) await PatientAsync(first.Client, code, "v");
            await CreateAsync(first.Client, "SearchParameter", IdentifierParameter(code));
            status = await StartAsync(first.Client, "Patient/$reindex");
            // Stop after the first batch is committed; five more batches with pauses between are still to come.
            for (var i = 0; i < 200 && await CountAsync(first.Client, $"Patient?{code}=v") == 0; i++) await Task.Delay(20);
            Assert.Equal(HttpStatusCode.Accepted, (await first.Client.GetAsync(status)).StatusCode);
            Assert.InRange(await CountAsync(first.Client, $"Patient?{code}=v"), 1, 11);
        }

        using var second = new RestartableServerFactory(database.Path);
        var summary = await WaitAsync(second.Client, status);

        Assert.Equal("completed", (string?)Part(summary, "status")!["valueCode"]);
        Assert.Equal(12, await CountAsync(second.Client, $"Patient?{code}=v"));
    }
}
