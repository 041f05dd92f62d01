using System.Text;
using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite.Tests;

/// <summary>The writer copies the WAL into the database file once it holds <see cref="SqliteStoreOptions.CheckpointPages"/> pages, not before.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirpractice-store-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData(50, 0, 400)]
    [InlineData(100_000, 2_000, int.MaxValue)]
    public async Task The_wal_grows_to_the_configured_pages_before_the_writer_checkpoints(int checkpointPages, int atLeast, int atMost)
    {
        var path = Path.Combine(_folder, "fhir.db");
        var store = new SqliteResourceStore(new SqliteStoreOptions { Path = path, Synchronous = "NORMAL", CheckpointPages = checkpointPages }, TimeProvider.System);
        try
        {
            // One page-sized resource a commit: ~3,000 pages, three times SQLite's default threshold.
            var padding = new string('x', 3000);
            for (var i = 0; i < 1000; i++)
                await store.WriteAsync(tx =>
                {
                    tx.Write(new ResourceWrite("Basic", $"b{i}", 1, tx.Timestamp, "POST",
                        Encoding.UTF8.GetBytes($$$"""{"resourceType":"Basic","id":"b{{{i}}}","text":{"div":"{{{padding}}}"}}"""), []));
                    return 0;
                });

            Assert.InRange(FramesInWal(path), atLeast, atMost);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>The frames the WAL holds since it last started over (a passive checkpoint reports them and blocks nobody).</summary>
    private static int FramesInWal(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        using var r = cmd.ExecuteReader();
        r.Read();
        return r.GetInt32(1);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
