using System.Text.Json.Nodes;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>Reading search Bundles in tests: the matches in order, the links, every page of a search.</summary>
public static class SearchPages
{
    /// <summary>The ids of the matches, in the Bundle's order.</summary>
    public static List<string> MatchIds(JsonNode bundle) =>
        (bundle["entry"]?.AsArray() ?? []).Where(e => (string?)e!["search"]!["mode"] == "match").Select(e => (string)e!["resource"]!["id"]!).ToList();

    public static string? Link(JsonNode bundle, string relation) =>
        (string?)bundle["link"]!.AsArray().FirstOrDefault(l => (string?)l!["relation"] == relation)?["url"];

    /// <summary>The diagnostics of the Bundle's OperationOutcome entry, if any.</summary>
    public static List<string> Warnings(JsonNode bundle) =>
        (bundle["entry"]?.AsArray() ?? []).Where(e => (string?)e!["search"]!["mode"] == "outcome")
            .SelectMany(e => e!["resource"]!["issue"]!.AsArray()).Select(i => (string)i!["diagnostics"]!).ToList();

    /// <summary>Follows the <paramref name="relation"/> links from <paramref name="url"/> to the end; returns every page's match ids.</summary>
    public static async Task<List<List<string>>> FollowAsync(this HttpClient client, string url, string relation = "next")
    {
        var pages = new List<List<string>>();
        for (string? next = url; next is not null;)
        {
            Assert.True(pages.Count < 500, "paging does not end");
            var bundle = await client.SearchAsync(next);
            pages.Add(MatchIds(bundle));
            next = Link(bundle, relation);
        }
        return pages;
    }
}
