using FhirPractice.Storage.Sqlite;

namespace FhirPractice.Scheduling.Tests;

/// <summary>A SQLite store in a temporary folder of its own, the folder removed when the store is disposed.</summary>
public sealed class TemporarySqliteStore : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirpractice-scheduling-tests", Guid.NewGuid().ToString("N"));

    public SqliteResourceStore Store { get; }

    public TemporarySqliteStore() =>
        Store = new SqliteResourceStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "fhir.db"), Synchronous = "NORMAL" }, TimeProvider.System);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
