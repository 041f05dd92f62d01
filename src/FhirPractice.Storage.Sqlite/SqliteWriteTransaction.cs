using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The writer connection's view of one write transaction. Its prepared commands live as long as the
/// writer; each group commit binds them to its SQLite transaction.
/// </summary>
internal sealed class SqliteWriteTransaction : IStoreTransaction, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _readCurrent, _currentRid, _insertVersion, _upsertCurrent;
    private readonly Dictionary<string, SqliteCommand> _deleteIndex = new();
    private readonly SqliteCommand _insString, _insToken, _insReference, _insDate, _insNumber, _insQuantity, _insUri;
    private readonly SqliteSearch _search;
    private SqliteTransaction? _transaction;

    public DateTimeOffset Timestamp { get; set; }

    public SqliteWriteTransaction(SqliteConnection connection, SqliteSearch search)
    {
        _connection = connection;
        _search = search;
        _readCurrent = Prepare("""
            SELECT v.rid, v.type, v.id, v.version, v.last_updated, v.method, v.deleted, v.json
            FROM resource_current c JOIN resource_version v ON v.rid = c.rid WHERE c.type = $a AND c.id = $b
            """, 2);
        _currentRid = Prepare("SELECT rid FROM resource_current WHERE type = $a AND id = $b", 2);
        _insertVersion = Prepare("""
            INSERT INTO resource_version (type, id, version, last_updated, method, deleted, json)
            VALUES ($a, $b, $c, $d, $e, $f, $g) RETURNING rid
            """, 7);
        _upsertCurrent = Prepare("""
            INSERT INTO resource_current (type, id, rid, version, deleted) VALUES ($a, $b, $c, $d, $e)
            ON CONFLICT(type, id) DO UPDATE SET rid = excluded.rid, version = excluded.version, deleted = excluded.deleted
            """, 5);
        foreach (var table in SqliteSchema.IndexTables)
            _deleteIndex[table] = Prepare($"DELETE FROM {table} WHERE rid = $a", 1);
        _insString = Prepare("INSERT INTO idx_string (rid, param, value, exact) VALUES ($a, $b, $c, $d)", 4);
        _insToken = Prepare("INSERT INTO idx_token (rid, param, system, code, text) VALUES ($a, $b, $c, $d, $e)", 5);
        _insReference = Prepare("INSERT INTO idx_reference (rid, param, type, id, url, version) VALUES ($a, $b, $c, $d, $e, $f)", 6);
        _insDate = Prepare("INSERT INTO idx_date (rid, param, low, high) VALUES ($a, $b, $c, $d)", 4);
        _insNumber = Prepare("INSERT INTO idx_number (rid, param, value, low, high) VALUES ($a, $b, $c, $d, $e)", 5);
        _insQuantity = Prepare("INSERT INTO idx_quantity (rid, param, value, low, high, system, code) VALUES ($a, $b, $c, $d, $e, $f, $g)", 7);
        _insUri = Prepare("INSERT INTO idx_uri (rid, param, value) VALUES ($a, $b, $c)", 3);
    }

    private SqliteCommand Prepare(string sql, int parameterCount)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < parameterCount; i++)
            cmd.Parameters.Add(new SqliteParameter("$" + (char)('a' + i), null));
        return cmd;
    }

    private IEnumerable<SqliteCommand> AllCommands() =>
        new[] { _readCurrent, _currentRid, _insertVersion, _upsertCurrent, _insString, _insToken, _insReference, _insDate, _insNumber, _insQuantity, _insUri }
            .Concat(_deleteIndex.Values);

    /// <summary>Binds every prepared command to the group commit's transaction.</summary>
    public void Begin(SqliteTransaction transaction)
    {
        _transaction = transaction;
        foreach (var cmd in AllCommands()) cmd.Transaction = transaction;
    }

    private static SqliteCommand Bind(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd;
    }

    public ResourceRecord? ReadCurrent(string type, string id)
    {
        using var reader = Bind(_readCurrent, type, id).ExecuteReader();
        return reader.Read() ? SqliteRecords.Read(reader) : null;
    }

    public IReadOnlyList<ResourceKey> Match(SearchQuery query, int limit) => _search.Match(_connection, _transaction, query, limit);

    public void Write(ResourceWrite write)
    {
        var previous = CurrentRid(write.Type, write.Id);
        var rid = (long)Bind(_insertVersion, write.Type, write.Id, write.Version, write.LastUpdated.ToUnixTimeMilliseconds(),
            write.Method, write.Deleted ? 1 : 0, write.Deleted ? null : write.Json.ToArray()).ExecuteScalar()!;
        Bind(_upsertCurrent, write.Type, write.Id, rid, write.Version, write.Deleted ? 1 : 0).ExecuteNonQuery();
        if (previous is long old)
            foreach (var cmd in _deleteIndex.Values) Bind(cmd, old).ExecuteNonQuery();
        foreach (var entry in write.Index) InsertEntry(rid, write.Type, entry);
    }

    private long? CurrentRid(string type, string id)
    {
        var rid = Bind(_currentRid, type, id).ExecuteScalar();
        return rid is long value ? value : null;
    }

    private void InsertEntry(long rid, string type, IndexEntry entry)
    {
        var key = SqliteSchema.ParamKey(type, entry.Param);
        switch (entry)
        {
            case StringIndexEntry s: Bind(_insString, rid, key, s.Normalized, s.Exact).ExecuteNonQuery(); break;
            case TokenIndexEntry t: Bind(_insToken, rid, key, t.System, t.Code, t.Text is null ? null : SearchIndexer.Normalize(t.Text)).ExecuteNonQuery(); break;
            case ReferenceIndexEntry r: Bind(_insReference, rid, key, r.TargetType, r.TargetId, r.Url, r.CanonicalVersion).ExecuteNonQuery(); break;
            case DateIndexEntry d: Bind(_insDate, rid, key, d.Low.UtcTicks, d.High.UtcTicks).ExecuteNonQuery(); break;
            case NumberIndexEntry n: Bind(_insNumber, rid, key, (double)n.Value, (double)n.Low, (double)n.High).ExecuteNonQuery(); break;
            case QuantityIndexEntry q: Bind(_insQuantity, rid, key, (double)q.Value, (double)q.Low, (double)q.High, q.System, q.Code ?? q.Unit).ExecuteNonQuery(); break;
            case UriIndexEntry u: Bind(_insUri, rid, key, u.Value).ExecuteNonQuery(); break;
        }
    }

    public void Dispose()
    {
        foreach (var cmd in AllCommands()) cmd.Dispose();
    }
}
