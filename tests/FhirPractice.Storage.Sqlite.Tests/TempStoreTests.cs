namespace FhirPractice.Storage.Sqlite.Tests;

/// <summary>Tests on a store in a fresh temp folder; <see cref="Reopen"/> restarts it on the same file.</summary>
public abstract class TempStoreTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirpractice-store-tests", Guid.NewGuid().ToString("N"));

    protected SqliteResourceStore Store { get; private set; } = null!;

    private SqliteStoreOptions Options => new() { Path = StorePath, Synchronous = Synchronous };

    /// <summary>The store's database file, for a test that looks at it with a connection of its own.</summary>
    protected string StorePath => Path.Combine(_folder, "fhir.db");

    /// <summary>NORMAL unless a test is about durability: no fsync per commit keeps the tests quick.</summary>
    protected virtual string Synchronous => "NORMAL";

    public virtual System.Threading.Tasks.Task InitializeAsync()
    {
        Store = new SqliteResourceStore(Options, TimeProvider.System);
        return System.Threading.Tasks.Task.CompletedTask;
    }

    /// <summary>Closes the store and opens it again on the same file, as a restart would.</summary>
    protected async System.Threading.Tasks.Task Reopen()
    {
        await Store.DisposeAsync();
        Store = new SqliteResourceStore(Options, TimeProvider.System);
    }

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
