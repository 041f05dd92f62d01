using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// Makes the writer's commits durable beside it instead of inside it. With <c>Synchronous=FULL</c> the writer commits
/// with SQLite's NORMAL setting (the commit is in the WAL file, not yet on disk) and hands the committed jobs here; one
/// fsync of the WAL then covers every commit handed over before it started, and only after it are those jobs answered.
/// So an acknowledged write is on disk as before, while the writer runs the next group of jobs during the fsync
/// instead of waiting for it. The WAL is written in commit order and recovered as a prefix, so no acknowledged write
/// can depend on one that is lost. What a power cut can still take is a commit that other readers saw in the
/// milliseconds before its fsync, never one its writer was told had succeeded.
/// </summary>
internal sealed class WalFlusher
{
    private readonly Channel<IReadOnlyList<Action<Exception?>>> _committed =
        Channel.CreateUnbounded<IReadOnlyList<Action<Exception?>>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Action _flush;
    private readonly Action _close;
    private readonly Task _loop;

    /// <param name="flush">Puts everything written to the WAL so far on disk; throws when it cannot.</param>
    /// <param name="close">Releases what <paramref name="flush"/> holds, once the last flush is done.</param>
    public WalFlusher(Action flush, Action close)
    {
        _flush = flush;
        _close = close;
        _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning).Unwrap();
    }

    /// <summary>
    /// Sets the writer's <c>synchronous</c> for the configured setting (NORMAL, FULL or EXTRA; anything else is FULL) and,
    /// for FULL and EXTRA, returns the flusher that makes its commits durable (the writer itself then commits with NORMAL).
    /// </summary>
    public static WalFlusher? ForWriter(SqliteConnection writer, string databasePath, string synchronous)
    {
        var setting = synchronous.ToUpperInvariant() is ("NORMAL" or "FULL" or "EXTRA") and var known ? known : "FULL";
        var flushed = setting is "FULL" or "EXTRA";
        using (var pragma = writer.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA synchronous = {(flushed ? "NORMAL" : setting)};";
            pragma.ExecuteNonQuery();
        }
        return flushed ? ForDatabase(databasePath) : null;
    }

    /// <summary>The WAL beside <paramref name="databasePath"/> flushed through a handle of its own (an fsync applies to the file, whoever wrote it).</summary>
    private static WalFlusher ForDatabase(string databasePath)
    {
        FileStream? wal = null;
        return new WalFlusher(
            () =>
            {
                // SQLite keeps the WAL file while any connection is open (it truncates it in place, never replaces it).
                wal ??= new FileStream(databasePath + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                if (!OperatingSystem.IsLinux()) wal.Flush(flushToDisk: true);
                else if (fdatasync(wal.SafeFileHandle) != 0) throw new IOException($"fdatasync of the WAL failed (errno {Marshal.GetLastPInvokeError()})");
            },
            () => wal?.Dispose());
    }

    /// <summary>
    /// On Linux the WAL's data and what reading it back needs (its size): once the WAL is reused in place after a
    /// checkpoint, only its modification time changes, which a full fsync would commit through the file system's journal
    /// at every flush.
    /// </summary>
    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(SafeFileHandle file);

    /// <summary>Answers these jobs once a flush that starts after this call has succeeded (or with its failure).</summary>
    public void Committed(IReadOnlyList<Action<Exception?>> answers)
    {
        if (!_committed.Writer.TryWrite(answers)) throw new ObjectDisposedException(nameof(WalFlusher));
    }

    /// <summary>Flushes and answers what was handed over, then stops.</summary>
    public Task CompleteAsync()
    {
        _committed.Writer.TryComplete();
        return _loop;
    }

    private async Task Loop()
    {
        var reader = _committed.Reader;
        var pending = new List<IReadOnlyList<Action<Exception?>>>();
        // After a failed fsync the kernel may have dropped the pages it could not write, and a later fsync can succeed
        // without them; the WAL is recovered as a prefix, so every later commit is as uncertain. Nothing is
        // acknowledged any more until a restart recovers the WAL from disk.
        Exception? broken = null;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            pending.Clear();
            while (reader.TryRead(out var answers)) pending.Add(answers);
            if (broken is null)
            {
                try { _flush(); }
                catch (Exception e) { broken = new IOException("The committed write could not be made durable (the WAL's fsync failed); the store acknowledges no write until it is restarted", e); }
            }
            foreach (var answers in pending)
                foreach (var answer in answers) answer(broken);
        }
        _close();
    }
}
