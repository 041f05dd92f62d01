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
}
