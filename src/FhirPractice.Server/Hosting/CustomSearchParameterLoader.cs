using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Server.Hosting;

/// <summary>
/// Defines the custom search parameters before the server takes requests: the active SearchParameters of
/// the <c>conformance/</c> folder beside the binaries, then the active ones in the store (written through the API).
/// </summary>
public sealed class CustomSearchParameterLoader(CustomSearchParameters customSearchParameters, IResourceStore store, ILogger<CustomSearchParameterLoader> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "conformance");
        foreach (var problem in await customSearchParameters.LoadAsync(folder, store, cancellationToken))
            log.LogWarning("Custom search parameter not used: {Problem}", problem);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
