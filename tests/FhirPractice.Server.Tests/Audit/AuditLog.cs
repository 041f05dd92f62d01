using System.Text.Json.Nodes;
using FhirPractice.Fhir.Storage;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Audit;

/// <summary>Reads what a test server stored about its requests: AuditEvents by request id, Provenances by target.</summary>
public static class AuditLog
{
    public static async Task<List<JsonNode>> AllAsync(IServiceProvider services, string type)
    {
        var store = services.GetRequiredService<IResourceStore>();
        var all = new List<JsonNode>();
        long? before = null;
        do
        {
            var page = await store.HistoryAsync(new HistoryQuery(type, null, null, null, 1000, before));
            all.AddRange(page.Entries.Where(r => !r.Deleted).Select(r => JsonNode.Parse(r.Json.Span)!));
            before = page.Next;
        } while (before is not null);
        return all;
    }

    public static async Task<List<JsonNode>> EventsAsync(IServiceProvider services, string requestId) =>
        (await AllAsync(services, "AuditEvent")).Where(e => BalpRules.RequestId(e) == requestId).ToList();

    public static async Task<List<JsonNode>> ProvenancesAsync(IServiceProvider services, string targetPrefix) =>
        (await AllAsync(services, "Provenance")).Where(p => p["target"]!.AsArray().Any(t => ((string?)t!["reference"])?.StartsWith(targetPrefix) == true)).ToList();

    /// <summary>The most specific restful-interaction subtype ("search-type" rather than "search").</summary>
    public static string? Subtype(JsonNode e) => e["subtype"]?.AsArray()
        .Where(s => (string?)s!["system"] == "http://hl7.org/fhir/restful-interaction").Select(s => (string?)s!["code"]).LastOrDefault();

    public static IEnumerable<string?> Data(JsonNode e) => Entities(e, "4").Select(x => (string?)x["what"]?["reference"]);

    public static IEnumerable<string?> Patients(JsonNode e) => Entities(e, "1").Select(x => (string?)x["what"]?["reference"]);

    private static IEnumerable<JsonNode> Entities(JsonNode e, string role) =>
        e["entity"]?.AsArray().Where(x => (string?)x!["role"]?["code"] == role).Select(x => x!) ?? [];
}
