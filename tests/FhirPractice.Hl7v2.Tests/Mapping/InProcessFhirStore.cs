using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Validation;
using FhirPractice.Hl7v2.Inbound;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Storage.Sqlite;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>
/// The real engine on a temporary SQLite file, wired as the server wires it, for tests that commit the
/// transactions the mappings produce; also the <see cref="IFhirLookup"/> the mappings read it through.
/// </summary>
public sealed class InProcessFhirStore : IFhirLookup, IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirpractice-hl7-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public InProcessFhirStore()
    {
        Directory.CreateDirectory(_folder);
        _services = new ServiceCollection()
            .AddLogging()
            .AddFhirEngine(new FhirEngineOptions())
            .AddSqliteStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "fhir.db"), Synchronous = "NORMAL" })
            .AddSingleton(new ProfileValidationOptions())
            .AddSingleton<IProfileValidator, ProfileValidator>()
            .AddSingleton<IWriteValidator, WriteValidator>()
            .BuildServiceProvider();
        Engine = _services.GetRequiredService<FhirEngine>();
    }

    public FhirEngine Engine { get; }

    /// <summary>POSTs a transaction; fails the test with the OperationOutcome when the engine refuses it.</summary>
    public async Task<Bundle> CommitAsync(Bundle transaction)
    {
        var response = await Engine.HandleAsync(new FhirRequest("POST", "", []) { ParsedBody = transaction });
        var body = response.ToResource();
        Assert.True(response.Status == HttpStatusCode.OK,
            $"transaction refused with {(int)response.Status}: {(body is OperationOutcome o ? string.Join("; ", o.Issue.Select(i => $"{i.Diagnostics} at {string.Join(",", i.Expression)}")) : "")}");
        return (Bundle)body!;
    }

    /// <summary>The bridge's own lookup over the store.</summary>
    public Task<IReadOnlyList<Resource>> SearchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct = default) =>
        new StoreFhirLookup(Engine.Store, _services.GetRequiredService<FhirPractice.Fhir.Search.SearchQueryParser>()).SearchAsync(type, parameters, ct);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
