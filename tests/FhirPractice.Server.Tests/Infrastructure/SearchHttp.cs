using System.Net;
using System.Text.Json.Nodes;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>Search-test helpers: create by POST, search, the matches as Type/id, and the lenient/strict check for a bad parameter.</summary>
public static class SearchHttp
{
    /// <summary>POSTs the resource and returns "Type/id".</summary>
    public static async Task<string> CreateAsync(this HttpClient client, string json)
    {
        var type = (string)JsonNode.Parse(json)!["resourceType"]!;
        var response = await client.PostAsync(type, FhirServerFactory.Json(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return $"{type}/{(string)(await response.JsonAsync())["id"]!}";
    }

    public static async Task<JsonNode> SearchAsync(this HttpClient client, string url, params (string Name, string Value)[] headers)
    {
        var response = await client.SendAsync(HttpMethod.Get, url, null, headers);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var bundle = await response.JsonAsync();
        Assert.Equal("searchset", (string?)bundle["type"]);
        return bundle;
    }

    /// <summary>"Type/id" of each entry with the search mode (match unless given), sorted.</summary>
    public static List<string> Matches(JsonNode bundle, string mode = "match") =>
        (bundle["entry"]?.AsArray() ?? []).Where(e => (string?)e!["search"]!["mode"] == mode)
            .Select(e => $"{(string)e!["resource"]!["resourceType"]!}/{(string?)e["resource"]!["id"]}").Order(StringComparer.Ordinal).ToList();

    public static async Task<List<string>> MatchesAsync(this HttpClient client, string url) => Matches(await client.SearchAsync(url));

    public static List<string> Sorted(params string[] items) => items.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// <paramref name="url"/> ends with a parameter the server cannot apply: lenient handling answers the rest of the
    /// query (<paramref name="expected"/>), with a warning naming <paramref name="reasonContains"/> and a self link
    /// without the parameter; strict handling answers 400.
    /// </summary>
    public static async Task AssertIgnoredOrRefusedAsync(this HttpClient client, string url, string parameterName, IReadOnlyList<string> expected, string reasonContains)
    {
        var bundle = await client.SearchAsync(url, ("Prefer", "handling=lenient"));
        Assert.Equal(expected, Matches(bundle));
        var outcome = bundle["entry"]!.AsArray().Single(e => (string?)e!["search"]!["mode"] == "outcome")!["resource"]!;
        var issue = outcome["issue"]!.AsArray().Single()!;
        Assert.Equal("warning", (string?)issue["severity"]);
        Assert.Contains(reasonContains, (string?)issue["diagnostics"], StringComparison.OrdinalIgnoreCase);
        var self = Uri.UnescapeDataString((string)bundle["link"]!.AsArray().First(l => (string?)l!["relation"] == "self")!["url"]!);
        Assert.DoesNotContain(parameterName + "=", self);

        await FhirHttp.AssertOutcomeAsync(await client.SendAsync(HttpMethod.Get, url, null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, reasonContains);
    }
}
