using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The module_state table: workflow modules' own entries (see <see cref="StateEntry"/>). The writer runs its
/// statements raw, prepared for the life of its connection, since a workflow's hook reads and writes a dozen
/// entries per resource on the single writer's thread; readers prepare theirs per call.
/// </summary>
internal sealed class SqliteModuleState : IDisposable
{
    private const string ScanSql = "SELECT kind, key, value FROM module_state WHERE kind = $kind AND key >= $from AND key < $to ORDER BY key LIMIT $limit";
    private readonly RawStatement _read, _scan, _save, _delete;

    public SqliteModuleState(SqliteConnection connection)
    {
        _read = new(connection, "SELECT kind, key, value FROM module_state WHERE kind = ?1 AND key = ?2");
        _scan = new(connection, "SELECT kind, key, value FROM module_state WHERE kind = ?1 AND key >= ?2 AND key < ?3 ORDER BY key LIMIT ?4");
        _save = new(connection, "INSERT OR REPLACE INTO module_state (kind, key, value) VALUES (?1, ?2, ?3)");
        _delete = new(connection, "DELETE FROM module_state WHERE kind = ?1 AND key = ?2");
    }

    public StateEntry? Read(string kind, string key) => _read.Bind(1, kind).Bind(2, key).Rows(Entry) is [var entry] ? entry : null;

    public IReadOnlyList<StateEntry> Scan(StateRange range) =>
        _scan.Bind(1, range.Kind).Bind(2, range.From).Bind(3, range.To).Bind(4, range.Limit).Rows(Entry);

    public void Save(StateEntry entry) => _save.Bind(1, entry.Kind).Bind(2, entry.Key).Bind(3, entry.Value).Run();

    public void Delete(string kind, string key) => _delete.Bind(1, kind).Bind(2, key).Run();

    private static StateEntry Entry(RawStatement row) => new(row.Text(0), row.Text(1), row.Text(2));

    /// <summary>A range read on a reader connection, outside any write.</summary>
    public static IReadOnlyList<StateEntry> Scan(SqliteConnection connection, StateRange range)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = ScanSql;
        cmd.Parameters.AddWithValue("$kind", range.Kind);
        cmd.Parameters.AddWithValue("$from", range.From);
        cmd.Parameters.AddWithValue("$to", range.To);
        cmd.Parameters.AddWithValue("$limit", range.Limit);
        var entries = new List<StateEntry>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) entries.Add(new StateEntry(r.GetString(0), r.GetString(1), r.GetString(2)));
        return entries;
    }

    public void Dispose()
    {
        foreach (var s in new[] { _read, _scan, _save, _delete }) s.Dispose();
    }
}
