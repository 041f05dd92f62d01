using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The module_state table: workflow modules' own entries (see <see cref="StateEntry"/>). The writer runs its
/// statements raw, prepared for the life of its connection, since a workflow's hook reads and writes a dozen
/// entries per resource on the single writer's thread; each reader connection keeps the range scan prepared. The writer's
/// changes name their partitions' <see cref="StateStamps"/> slots in the transaction's set of stamps to move once committed.
/// </summary>
internal sealed class SqliteModuleState : IDisposable
{
    public const string ScanSql = "SELECT key, value FROM module_state WHERE kind = $kind AND key >= $from AND key < $to ORDER BY key LIMIT $limit";
    private readonly RawStatement _read, _scan, _save, _delete;
    private readonly ISet<int> _changed;

    public SqliteModuleState(SqliteConnection connection, ISet<int> stampsToMove)
    {
        _changed = stampsToMove;
        _read = new(connection, "SELECT value FROM module_state WHERE kind = ?1 AND key = ?2");
        _scan = new(connection, ScanSql); // its parameters are numbered in order of appearance
        _save = new(connection, "INSERT OR REPLACE INTO module_state (kind, key, value) VALUES (?1, ?2, ?3)");
        _delete = new(connection, "DELETE FROM module_state WHERE kind = ?1 AND key = ?2");
    }

    // The reads select only what the caller does not already know (the kind, and for one entry its key).
    public StateEntry? Read(string kind, string key) =>
        _read.Bind(1, kind).Bind(2, key).Rows(row => new StateEntry(kind, key, row.Text(0))) is [var entry] ? entry : null;

    public IReadOnlyList<StateEntry> Scan(StateRange range) =>
        _scan.Bind(1, range.Kind).Bind(2, range.From).Bind(3, range.To).Bind(4, range.Limit).Rows(row => new StateEntry(range.Kind, row.Text(0), row.Text(1)));

    public void Save(StateEntry entry)
    {
        _save.Bind(1, entry.Kind).Bind(2, entry.Key).Bind(3, entry.Value).Run();
        _changed.Add(StateStamps.SlotOf(entry.Kind, entry.Key));
    }

    public void Delete(string kind, string key)
    {
        _delete.Bind(1, kind).Bind(2, key).Run();
        _changed.Add(StateStamps.SlotOf(kind, key));
    }

    /// <summary>A range read on a reader connection, outside any write, through its prepared <see cref="ScanSql"/>.</summary>
    public static IReadOnlyList<StateEntry> Scan(SqliteCommand scan, StateRange range)
    {
        scan.Parameters[0].Value = range.Kind;
        scan.Parameters[1].Value = range.From;
        scan.Parameters[2].Value = range.To;
        scan.Parameters[3].Value = range.Limit;
        var entries = new List<StateEntry>();
        using var r = scan.ExecuteReader();
        while (r.Read()) entries.Add(new StateEntry(range.Kind, r.GetString(0), r.GetString(1)));
        return entries;
    }

    public void Dispose()
    {
        foreach (var s in new[] { _read, _scan, _save, _delete }) s.Dispose();
    }
}
