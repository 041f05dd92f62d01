using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class HistoryTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    /// <summary>A patient with <paramref name="versions"/> versions, the last one deleted when asked.</summary>
    private async Task<string> PatientWithVersionsAsync(HttpClient client, int versions, bool deleteAfter = false)
    {
        var id = FhirHttp.Unique();
        for (var v = 1; v <= versions; v++)
            Assert.True((await client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","multipleBirthInteger":{{v}}}"""))).IsSuccessStatusCode);
        if (deleteAfter) Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"Patient/{id}")).StatusCode);
        return id;
    }

    /// <summary>Follows the next links from <paramref name="url"/> to the end and returns every page.</summary>
    private static async Task<List<JsonNode>> AllPagesAsync(HttpClient client, string url)
    {
        var pages = new List<JsonNode>();
        string? next = url;
        while (next is not null)
        {
            var response = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.JsonAsync();
            Assert.Equal("history", (string?)page["type"]);
            pages.Add(page);
            next = (string?)page["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"];
            Assert.True(pages.Count < 100, "paging does not end");
        }
        return pages;
    }

    private static IEnumerable<JsonNode> Entries(IEnumerable<JsonNode> pages) => pages.SelectMany(p => p["entry"]?.AsArray() ?? []).Select(e => e!);

    [Fact]
    public async Task Instance_history_lists_every_version_newest_first_with_the_deletion()
    {
        var id = await PatientWithVersionsAsync(_client, 3, deleteAfter: true);

        var history = await (await _client.GetAsync($"Patient/{id}/_history")).JsonAsync();

        Assert.Equal("history", (string?)history["type"]);
        Assert.Equal(4, (int)history["total"]!);
        var entries = history["entry"]!.AsArray();
        Assert.Equal(["4", "3", "2", "1"], entries.Select(e => ETagVersion((string)e!["response"]!["etag"]!)));
        Assert.Equal(["DELETE", "PUT", "PUT", "PUT"], entries.Select(e => (string)e!["request"]!["method"]!));
        Assert.Null(entries[0]!["resource"]);
        Assert.Equal(3, (int)entries[1]!["resource"]!["multipleBirthInteger"]!);
        Assert.All(entries, e => Assert.Equal($"{FhirServerFactory.BaseUrl}/Patient/{id}", (string?)e!["fullUrl"]));
    }

    [Fact]
    public async Task Instance_history_of_an_unknown_resource_is_404()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Patient/{FhirHttp.Unique()}/_history"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Instance_history_with_count_pages_through_next_links_to_the_end()
    {
        var id = await PatientWithVersionsAsync(_client, 7);

        var pages = await AllPagesAsync(_client, $"Patient/{id}/_history?_count=3");

        Assert.Equal([3, 3, 1], pages.Select(p => p["entry"]!.AsArray().Count));
        Assert.All(pages, p => Assert.Equal(7, (int)p["total"]!));
        Assert.Equal(["7", "6", "5", "4", "3", "2", "1"], Entries(pages).Select(e => (string)e["resource"]!["meta"]!["versionId"]!));
        Assert.All(pages.Skip(1), p => Assert.Contains(p["link"]!.AsArray(), l => (string?)l!["relation"] == "first"));
        Assert.Contains("_count=3", (string?)pages[0]["link"]![0]!["url"]);
    }

    [Fact]
    public async Task Instance_history_with_since_keeps_only_later_versions()
    {
        var id = await PatientWithVersionsAsync(_client, 1);
        await Task.Delay(20);
        var v2 = await (await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","active":true}"""))).JsonAsync();
        var since = (string)v2["meta"]!["lastUpdated"]!;

        var history = await (await _client.GetAsync($"Patient/{id}/_history?_since={Uri.EscapeDataString(since)}")).JsonAsync();

        Assert.Equal(1, (int)history["total"]!);
        Assert.Equal("2", (string?)history["entry"]![0]!["resource"]!["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Instance_history_with_at_gives_the_version_current_at_that_instant()
    {
        var id = await PatientWithVersionsAsync(_client, 1);
        var v1 = await (await _client.GetAsync($"Patient/{id}")).JsonAsync();
        var at = DateTimeOffset.Parse((string)v1["meta"]!["lastUpdated"]!).AddMilliseconds(1);
        await Task.Delay(20);
        await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","active":true}"""));

        var history = await (await _client.GetAsync($"Patient/{id}/_history?_at={Uri.EscapeDataString(at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"))}")).JsonAsync();

        Assert.Equal(1, (int)history["total"]!);
        Assert.Equal("1", (string?)history["entry"]![0]!["resource"]!["meta"]!["versionId"]);
    }

    [Theory]
    [InlineData("_since=yesterday")]
    [InlineData("_at=2020-13-01")]
    [InlineData("_count=0")]
    [InlineData("_count=lots")]
    public async Task History_with_an_invalid_parameter_is_400(string query)
    {
        var id = await PatientWithVersionsAsync(_client, 1);
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Patient/{id}/_history?{query}"), HttpStatusCode.BadRequest, expressionContains: query.Split('=')[0]);
    }

    [Fact]
    public async Task Type_history_lists_every_version_of_that_type_only_with_totals_over_pages()
    {
        using var fresh = new FhirServerFactory();
        var client = fresh.Client;
        var a = await PatientWithVersionsAsync(client, 2);
        var b = await PatientWithVersionsAsync(client, 1, deleteAfter: true);
        await client.PutNewAsync("Organization", FhirHttp.Unique());

        var pages = await AllPagesAsync(client, "Patient/_history?_count=2");

        Assert.All(pages, p => Assert.Equal(4, (int)p["total"]!));
        var entries = Entries(pages).ToList();
        Assert.Equal(4, entries.Count);
        Assert.All(entries, e => Assert.StartsWith($"{FhirServerFactory.BaseUrl}/Patient/", (string?)e["fullUrl"]));
        Assert.Equal(2, entries.Count(e => ((string)e["fullUrl"]!).EndsWith(a)));
        Assert.Equal(2, entries.Count(e => ((string)e["fullUrl"]!).EndsWith(b)));
    }

    [Fact]
    public async Task System_history_lists_every_version_of_every_type_following_next_links_to_the_end()
    {
        using var fresh = new FhirServerFactory();
        var client = fresh.Client;
        await PatientWithVersionsAsync(client, 3);
        await client.PutNewAsync("Organization", FhirHttp.Unique());
        var observation = await client.PostAsync("Observation", FhirServerFactory.Json(
            """{"resourceType":"Observation","status":"final","code":{"text":"weight"}}"""));
        Assert.Equal(HttpStatusCode.Created, observation.StatusCode);

        var pages = await AllPagesAsync(client, "_history?_count=2");

        // Every write also left its Provenance and AuditEvent, and the history requests their AuditEvents; billing stored
        // its built-in code sets as CodeSystems at start.
        var clinical = Entries(pages).Where(e => (string)e["resource"]!["resourceType"]! is not ("AuditEvent" or "Provenance" or "CodeSystem")).ToList();
        Assert.True(pages.Count >= 3);
        Assert.Equal(Entries(pages).Count(), (int)pages[0]["total"]!);
        Assert.Equal(["Observation", "Organization", "Patient", "Patient", "Patient"], clinical.Select(e => (string)e["resource"]!["resourceType"]!));
        Assert.Equal("POST", (string?)clinical.First()["request"]!["method"]);
    }

    [Fact]
    public async Task System_history_with_since_keeps_only_later_versions()
    {
        using var fresh = new FhirServerFactory();
        var client = fresh.Client;
        await PatientWithVersionsAsync(client, 2);
        await Task.Delay(20);
        var organization = await (await client.PostAsync("Organization", FhirServerFactory.Json("""{"resourceType":"Organization","name":"late"}"""))).JsonAsync();
        var since = (string)organization["meta"]!["lastUpdated"]!;

        var history = await (await client.GetAsync($"_history?_since={Uri.EscapeDataString(since)}")).JsonAsync();

        // The Organization, its Provenance and AuditEvent, and the AuditEvents of the requests since.
        var late = history["entry"]!.AsArray().Where(e => (string)e!["resource"]!["resourceType"]! is not ("AuditEvent" or "Provenance")).ToList();
        Assert.Equal("late", (string?)Assert.Single(late)!["resource"]!["name"]);
    }

    private static string ETagVersion(string etag) => etag.Replace("W/", "").Trim('"');
}
