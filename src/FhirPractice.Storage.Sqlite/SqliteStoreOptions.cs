namespace FhirPractice.Storage.Sqlite;

public sealed class SqliteStoreOptions
{
    /// <summary>The database file; its folder is created when missing.</summary>
    public string Path { get; set; } = "./data/fhirpractice.db";

    /// <summary>
    /// SQLite's synchronous setting. FULL (default) fsyncs the WAL on every commit, so an acknowledged
    /// write survives a power cut as well as a killed process; NORMAL survives a killed process only.
    /// </summary>
    public string Synchronous { get; set; } = "FULL";

    /// <summary>The most write transactions the writer commits together (group commit).</summary>
    public int MaxGroupCommit { get; set; } = 256;

    /// <summary>
    /// How many pages the WAL may hold before the writer copies them into the database file (SQLite's
    /// <c>wal_autocheckpoint</c>, default 1,000 there). Each checkpoint costs the single writer two fsyncs and a copy of
    /// every page it finds; under sustained writes SQLite's default checkpoints every few group commits, copying the same
    /// hot index pages each time (a quarter of the writer's time in the scheduling load). 10,000 pages (40 MB at 4 KB)
    /// checkpoint a tenth as often, each page once per checkpoint.
    /// </summary>
    public int CheckpointPages { get; set; } = 10_000;
}
