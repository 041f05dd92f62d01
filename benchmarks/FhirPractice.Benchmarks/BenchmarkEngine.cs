using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Validation;
using FhirPractice.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Benchmarks;

/// <summary>The engine on a SQLite file in a fresh temp folder, with validation as the server wires it, for the in-process benchmarks.</summary>
internal static class BenchmarkEngine
{
    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirpractice-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The engine's services on <paramref name="sqlite"/>; each benchmark adds its modules.</summary>
    public static IServiceCollection Services(SqliteStoreOptions sqlite) => new ServiceCollection()
        .AddLogging()
        .AddFhirEngine(new FhirEngineOptions())
        .AddSqliteStore(sqlite)
        .AddSingleton(new ProfileValidationOptions())
        .AddSingleton<IProfileValidator, ProfileValidator>()
        .AddSingleton<IWriteValidator, WriteValidator>();

    /// <summary>Stops the services and removes the folder.</summary>
    public static void Remove(ServiceProvider services, string folder)
    {
        services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}
