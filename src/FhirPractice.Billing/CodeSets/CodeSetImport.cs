using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// Stores code-set releases as CodeSystems through the engine (as <c>FhirCaller.Internal("billing")</c>, so audit
/// and the write hooks see them like any write), one conditional update per url and version. At start it first loads
/// the stored releases into the catalog, then imports the team's seed and the files of <c>Billing:CodeSetsFolder</c>;
/// a release already stored from the same file (same hash) is not written again. A file with a bad line stops the
/// start, naming the file and the line.
/// </summary>
public sealed class CodeSetImport(FhirEngine engine, IResourceStore store, CodeSetCatalog catalog, BillingOptions options, ILogger<CodeSetImport> log) : IHostedService
{
    private static readonly FhirCaller Caller = FhirCaller.Internal("billing");

    public async System.Threading.Tasks.Task StartAsync(CancellationToken ct)
    {
        await LoadStoredAsync(ct);
        foreach (var (release, written) in await ImportAsync(CodeSetFiles.Available(options.CodeSetsFolder), ct))
            if (written) log.LogInformation("Imported {System} fiscal year {Year}: {Count} codes", release.System, release.FiscalYear, release.Entries.Count);
    }

    public System.Threading.Tasks.Task StopAsync(CancellationToken ct) => System.Threading.Tasks.Task.CompletedTask;

    /// <summary>Writes each release (the last one given per code system and fiscal year) unless it is stored already; says which were written.</summary>
    public async Task<List<(CodeSetRelease Release, bool Written)>> ImportAsync(IEnumerable<CodeSetRelease> releases, CancellationToken ct)
    {
        var results = new List<(CodeSetRelease, bool)>();
        foreach (var release in releases.GroupBy(r => (r.System, r.FiscalYear)).Select(g => g.Last()))
        {
            if (catalog.Release(release.System, release.FiscalYear)?.Release.SourceHash == release.SourceHash)
            {
                results.Add((release, false));
                continue;
            }
            var codeSystem = CodeSystemResource.ToCodeSystem(release);
            var response = await engine.HandleAsync(new FhirRequest("PUT", "CodeSystem", [new("url", release.System), new("version", codeSystem.Version!)])
            {
                ParsedBody = codeSystem, Return = PreferReturn.Minimal, Caller = Caller,
            }, ct);
            if ((int)response.Status >= 400)
                throw new FhirError(response.Status, response.Resource as OperationOutcome ?? FhirError.Issue(OperationOutcome.IssueType.Exception, $"Storing {codeSystem.Title} failed"));
            results.Add((release, true));
        }
        return results;
    }

    /// <summary>Loads every stored release of the billing code systems into the catalog.</summary>
    private async System.Threading.Tasks.Task LoadStoredAsync(CancellationToken ct)
    {
        var response = await engine.HandleAsync(new FhirRequest("GET", "CodeSystem",
            [new("url", string.Join(",", CodeSystemResource.Names.Keys)), new("_elements", "url"), new("_count", "1000")]) { Caller = Caller }, ct);
        if (response.Status != HttpStatusCode.OK || response.ToResource() is not Bundle bundle) return;
        foreach (var id in bundle.Entry.Select(e => e.Resource).OfType<CodeSystem>().Select(c => c.Id!))
            if (await store.ReadAsync("CodeSystem", id, ct) is { Deleted: false } record &&
                CodeSystemResource.FromCodeSystem((CodeSystem)ResourceSerializer.ParseTrustedJson(record.Json.Span)) is { } release)
                catalog.Load(release, id);
    }
}
