using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The module_state table: workflow modules' own entries (see <see cref="StateEntry"/>). The writer keeps
/// its commands prepared for the life of its connection; readers prepare theirs per call.
/// </summary>
internal sealed class SqliteModuleState : IDisposable
{
    private const string ScanSql = "SELECT kind, key, value FROM module_state WHERE kind = $kind AND key >= $from AND key < $to ORDER BY key LIMIT $limit";
    private readonly SqliteCommand _read, _scan, _save, _delete;

    public SqliteModuleState(SqliteConnection connection)
    {
        _read = Command(connection, "SELECT kind, key, value FROM module_state WHERE kind = $kind AND key = $key", "$kind", "$key");
        _scan = Command(connection, ScanSql, "$kind", "$from", "$to", "$limit");
        _save = Command(connection, "INSERT OR REPLACE INTO module_state (kind, key, value) VALUES ($kind, $key, $value)", "$kind", "$key", "$value");
        _delete = Command(connection, "DELETE FROM module_state WHERE kind = $kind AND key = $key", "$kind", "$key");
    }

    public void Begin(SqliteTransaction transaction)
    {
        foreach (var c in new[] { _read, _scan, _save, _delete }) c.Transaction = transaction;
    }

    public StateEntry? Read(string kind, string key) => ReadAll(Bind(_read, kind, key)).FirstOrDefault();

    public IReadOnlyList<StateEntry> Scan(StateRange range) => ReadAll(Bind(_scan, range.Kind, range.From, range.To, range.Limit));

    public void Save(StateEntry entry) => Bind(_save, entry.Kind, entry.Key, entry.Value).ExecuteNonQuery();

    public void Delete(string kind, string key) => Bind(_delete, kind, key).ExecuteNonQuery();

    /// <summary>A range read on a reader connection, outside any write.</summary>
    public static IReadOnlyList<StateEntry> Scan(SqliteConnection connection, StateRange range)
    {
        using var cmd = Command(connection, ScanSql, "$kind", "$from", "$to", "$limit");
        return ReadAll(Bind(cmd, range.Kind, range.From, range.To, range.Limit));
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] names)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var name in names) cmd.Parameters.Add(new SqliteParameter(name, null));
        return cmd;
    }

    private static SqliteCommand Bind(SqliteCommand cmd, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i];
        return cmd;
    }

    private static List<StateEntry> ReadAll(SqliteCommand cmd)
    {
        var entries = new List<StateEntry>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) entries.Add(new StateEntry(r.GetString(0), r.GetString(1), r.GetString(2)));
        return entries;
    }

    public void Dispose()
    {
        foreach (var c in new[] { _read, _scan, _save, _delete }) c.Dispose();
    }
}
