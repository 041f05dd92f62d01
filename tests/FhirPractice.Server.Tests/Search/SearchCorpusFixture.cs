using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Tests;
using FhirPractice.Server.Tests.Examples;
using FhirPractice.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirPractice.Server.Tests.Search;

/// <summary>
/// One server loaded with the Synthea transaction bundles and the official R4 examples, and every
/// resource it then holds, read back through search — the data set the differential search tests
/// compare the server against. Empty when the corpus is absent (the tests using it are skipped then).
/// </summary>
public sealed class SearchCorpusFixture : IAsyncLifetime
{
    public const string SyntheaFolder = "synthea-r4/bundles";

    public FhirServerFactory Server { get; } = new();

    /// <summary>Every current resource in the server but the AuditEvents, as stored (server-assigned ids, rewritten references).</summary>
    public List<Resource> Resources { get; } = [];

    public async Task InitializeAsync()
    {
        var synthea = Corpus.Find(SyntheaFolder);
        var examples = Corpus.Find(ExampleRoundTripTests.ExamplesFolder);
        if (synthea is null || examples is null) return;
        var client = Server.Client;

        foreach (var file in Directory.GetFiles(synthea, "*.json").Order(StringComparer.Ordinal))
        {
            var response = await client.PostAsync("", FhirServerFactory.Json(await File.ReadAllTextAsync(file)));
            Assert.True(response.IsSuccessStatusCode, $"{Path.GetFileName(file)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        // The examples keep their ids (PUT), so their references to each other stay meaningful; the few the
        // server refuses are listed by ExampleRoundTripTests.
        foreach (var file in Directory.GetFiles(examples, "*.json").Order(StringComparer.Ordinal))
        {
            if (ExampleRoundTripTests.Refused.ContainsKey(Path.GetFileName(file))) continue;
            var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!;
            var (type, id) = ((string?)json["resourceType"], (string?)json["id"]);
            if (type is null || id is null) continue;
            var response = await client.PutAsync($"{type}/{id}", FhirServerFactory.Json(json.ToJsonString()));
            Assert.True(response.IsSuccessStatusCode, $"{Path.GetFileName(file)}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // The audit trail grows with every query the tests make, so no snapshot of it can be compared.
        foreach (var type in ModelInfo.SupportedResources.Where(t => t != "AuditEvent").Order(StringComparer.Ordinal))
        {
            for (var url = $"{type}?_count=1000"; url is not null;)
            {
                var response = await client.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var bundle = (Bundle)ResourceSerializer.ParseTrustedJson(await response.Content.ReadAsByteArrayAsync());
                Resources.AddRange(bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match).Select(e => e.Resource));
                url = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            }
        }
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}
