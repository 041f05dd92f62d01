using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The writer connection's view of one write transaction. Its prepared statements live as long as
/// the writer; the group commit around them is the writer loop's.
/// </summary>
internal sealed class SqliteWriteTransaction : IStoreTransaction, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteSearch _search;
    private readonly SqliteCommand _readCurrent, _readChainHead;
    private readonly RawStatement _currentRid, _insertVersion, _upsertCurrent, _currentVersionRid;
    private readonly RawStatement[] _deleteIndex, _deleteParamIndex;
    private readonly RawStatement _savepoint, _release, _rollbackTo;
    private readonly RawStatement _insString, _insToken, _insReference, _insDate, _insNumber, _insQuantity, _insUri, _insComposite, _findParam, _addParam, _enqueue, _saveChainHead;
    private SqliteTransaction? _transaction;
    private readonly ParamKeys _keys;
    private readonly SqliteModuleState _state;
    private readonly StateStamps _stamps;
    /// <summary>The <see cref="StateStamps"/> slots of what the transaction changed (module state, versions of a type), moved once it commits.</summary>
    private readonly HashSet<int> _stampsToMove = [];

    public DateTimeOffset Timestamp { get; set; }

    public SqliteWriteTransaction(SqliteConnection connection, SqliteSearch search, StateStamps stamps)
    {
        _connection = connection;
        _search = search;
        _stamps = stamps;
        _keys = new ParamKeys(this);
        _readCurrent = connection.CreateCommand();
        _readCurrent.CommandText = $"SELECT {SqliteRecords.Columns} FROM resource_current c JOIN resource_version v ON v.rid = c.rid WHERE c.type = $t AND c.id = $i";
        _readCurrent.Parameters.Add(new SqliteParameter("$t", null));
        _readCurrent.Parameters.Add(new SqliteParameter("$i", null));
        _currentRid = new(connection, "SELECT rid FROM resource_current WHERE type = ?1 AND id = ?2");
        _insertVersion = new(connection, "INSERT INTO resource_version (type, id, version, last_updated, method, deleted, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        _upsertCurrent = new(connection, """
            INSERT INTO resource_current (type, id, rid, version, deleted) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(type, id) DO UPDATE SET rid = excluded.rid, version = excluded.version, deleted = excluded.deleted
            """);
        _deleteIndex = SqliteSchema.IndexTables.Select(t => new RawStatement(connection, $"DELETE FROM {t} WHERE rid = ?1")).ToArray();
        _currentVersionRid = new(connection, "SELECT rid FROM resource_current WHERE type = ?1 AND id = ?2 AND version = ?3 AND deleted = 0");
        _deleteParamIndex = SqliteSchema.IndexTables.Select(t => new RawStatement(connection, $"DELETE FROM {t} WHERE rid = ?1 AND param = ?2")).ToArray();
        // OR IGNORE: a resource with the same value twice needs the entry once.
        _insString = new(connection, "INSERT OR IGNORE INTO idx_string (rid, param, value, exact) VALUES (?1, ?2, ?3, ?4)");
        _insToken = new(connection, "INSERT OR IGNORE INTO idx_token (rid, param, system, code, text) VALUES (?1, ?2, ?3, ?4, ?5)");
        _insReference = new(connection, "INSERT OR IGNORE INTO idx_reference (rid, param, type, id, url, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        _insDate = new(connection, "INSERT OR IGNORE INTO idx_date (rid, param, low, high) VALUES (?1, ?2, ?3, ?4)");
        _insNumber = new(connection, "INSERT OR IGNORE INTO idx_number (rid, param, value, low, high) VALUES (?1, ?2, ?3, ?4, ?5)");
        _insQuantity = new(connection, "INSERT OR IGNORE INTO idx_quantity (rid, param, value, low, high, system, code) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        _insUri = new(connection, "INSERT OR IGNORE INTO idx_uri (rid, param, value) VALUES (?1, ?2, ?3)");
        _insComposite = new(connection, """
            INSERT OR IGNORE INTO idx_composite (rid, param, elem, part, system, code, value, low, high, exact, text, type, id, url)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """);
        _findParam = new(connection, "SELECT id FROM search_param WHERE key = ?1");
        _addParam = new(connection, "INSERT INTO search_param (key) VALUES (?1)");
        _enqueue = new(connection, SqliteOutbox.InsertSql);
        _state = new SqliteModuleState(connection, _stampsToMove);
        _savepoint = new(connection, "SAVEPOINT job");
        _release = new(connection, "RELEASE job");
        _rollbackTo = new(connection, "ROLLBACK TO job");
        _readChainHead = connection.CreateCommand();
        _readChainHead.CommandText = "SELECT sequence, hash FROM chain_head WHERE chain = $c";
        _readChainHead.Parameters.Add(new SqliteParameter("$c", null));
        _saveChainHead = new(connection, "INSERT OR REPLACE INTO chain_head (chain, sequence, hash) VALUES (?1, ?2, ?3)");
    }

    /// <summary>The group commit's transaction, which ADO.NET commands run on must name.</summary>
    public void Begin(SqliteTransaction transaction)
    {
        _transaction = transaction;
        _readCurrent.Transaction = transaction;
        _readChainHead.Transaction = transaction;
    }

    /// <summary>Isolates the next job of the group commit: it ends with <see cref="KeepJob"/> or <see cref="UndoJob"/>.</summary>
    public void StartJob() => _savepoint.Run();

    public void KeepJob() => _release.Run();

    /// <summary>
    /// Takes back what the job wrote, leaving the rest of the group as it was. The parameter ids learnt since the group
    /// began are forgotten (the job's may be gone; the others' are found again); the stamps to move are kept, the jobs
    /// before it in the group still commit theirs (the failed job's move too, which only costs a reader a read).
    /// </summary>
    public void UndoJob()
    {
        _rollbackTo.Run();
        _release.Run();
        _keys.RolledBack();
    }

    public ResourceRecord? ReadCurrent(string type, string id)
    {
        _readCurrent.Parameters[0].Value = type;
        _readCurrent.Parameters[1].Value = id;
        using var reader = _readCurrent.ExecuteReader();
        return reader.Read() ? SqliteRecords.Read(reader) : null;
    }

    public IReadOnlyList<ResourceKey> Match(SearchQuery query, int limit) => _search.Match(_connection, _transaction, query, limit);

    public void Write(ResourceWrite write)
    {
        var previous = _currentRid.Bind(1, write.Type).Bind(2, write.Id).RunInt64();
        _insertVersion.Bind(1, write.Type).Bind(2, write.Id).Bind(3, write.Version).Bind(4, write.LastUpdated.ToUnixTimeMilliseconds())
            .Bind(5, write.Method).Bind(6, write.Deleted ? 1L : 0L).Bind(7, write.Json.Span, isNull: write.Deleted).Run();
        var rid = _insertVersion.LastInsertRowId;
        _stampsToMove.Add(StateStamps.SlotOfType(write.Type));
        _upsertCurrent.Bind(1, write.Type).Bind(2, write.Id).Bind(3, rid).Bind(4, write.Version).Bind(5, write.Deleted ? 1L : 0L).Run();
        if (previous is long old)
            foreach (var delete in _deleteIndex) delete.Bind(1, old).Run();
        for (var i = 0; i < write.Index.Count; i++) InsertEntry(rid, write.Type, write.Index[i], i);
    }

    public bool Reindex(ResourceKey resource, IReadOnlyList<IndexEntry> index, IReadOnlyCollection<string>? only)
    {
        if (_currentVersionRid.Bind(1, resource.Type).Bind(2, resource.Id).Bind(3, resource.Version).RunInt64() is not long rid) return false;
        if (only is null)
            foreach (var delete in _deleteIndex) delete.Bind(1, rid).Run();
        else
            foreach (var param in only)
            {
                var key = _keys.For(resource.Type, param);
                foreach (var delete in _deleteParamIndex) delete.Bind(1, rid).Bind(2, key).Run();
            }
        for (var i = 0; i < index.Count; i++)
            if (only is null || only.Contains(index[i].Param)) InsertEntry(rid, resource.Type, index[i], i);
        return true;
    }

    public JobRecord? ReadJob(string id) => SqliteJobs.Read(_connection, _transaction, id);

    public void SaveJob(JobRecord job) => SqliteJobs.Save(_connection, _transaction, job);

    public void Enqueue(OutboxMessage message) =>
        _enqueue.Bind(1, message.Destination).Bind(2, message.Kind).Bind(3, message.ResourceType).Bind(4, message.ResourceId)
            .Bind(5, message.ResourceVersion).Bind(6, nameof(OutboxStatus.Pending)).Bind(7, message.Created.ToUnixTimeMilliseconds()).Run();

    public ChainLink? ReadChainHead(string chain)
    {
        _readChainHead.Parameters[0].Value = chain;
        using var reader = _readChainHead.ExecuteReader();
        return reader.Read() ? new ChainLink(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public void SaveChainHead(string chain, ChainLink head) => _saveChainHead.Bind(1, chain).Bind(2, head.Sequence).Bind(3, head.Hash).Run();

    public OutboxMessage? ReadOutbox(long id) => SqliteOutbox.Read(_connection, _transaction, id);

    public void SaveOutbox(OutboxMessage message) => SqliteOutbox.Save(_connection, _transaction, message);

    public StateEntry? ReadState(string kind, string key) => _state.Read(kind, key);

    public IReadOnlyList<StateEntry> ScanState(StateRange range) => _state.Scan(range);

    public void SaveState(StateEntry entry) => _state.Save(entry);

    public void DeleteState(string kind, string key) => _state.Delete(kind, key);

    private void InsertEntry(long rid, string type, IndexEntry entry, int ordinal)
    {
        var key = _keys.For(type, entry.Param);
        switch (entry)
        {
            case CompositeIndexEntry composite:
                for (var part = 0; part < composite.Parts.Count; part++)
                    foreach (var e in composite.Parts[part]) InsertCompositePart(rid, key, ordinal, part, e);
                break;
            case StringIndexEntry s: _insString.Bind(1, rid).Bind(2, key).Bind(3, s.Normalized).Bind(4, s.Exact).Run(); break;
            case TokenIndexEntry t: _insToken.Bind(1, rid).Bind(2, key).Bind(3, t.System ?? "").Bind(4, t.Code ?? "").Bind(5, t.Text).Run(); break;
            case ReferenceIndexEntry r: _insReference.Bind(1, rid).Bind(2, key).Bind(3, r.TargetType ?? "").Bind(4, r.TargetId ?? "").Bind(5, r.Url ?? "").Bind(6, r.CanonicalVersion).Run(); break;
            case DateIndexEntry d: _insDate.Bind(1, rid).Bind(2, key).Bind(3, d.Low.UtcTicks).Bind(4, d.High.UtcTicks).Run(); break;
            case NumberIndexEntry n: _insNumber.Bind(1, rid).Bind(2, key).Bind(3, (double)n.Value).Bind(4, (double)n.Low).Bind(5, (double)n.High).Run(); break;
            case QuantityIndexEntry q: _insQuantity.Bind(1, rid).Bind(2, key).Bind(3, (double)q.Value).Bind(4, (double)q.Low).Bind(5, (double)q.High).Bind(6, SqliteSchema.StoredSystem(q)).Bind(7, q.Code ?? q.Unit ?? "").Run(); break;
            case UriIndexEntry u: _insUri.Bind(1, rid).Bind(2, key).Bind(3, u.Value).Run(); break;
        }
    }

    /// <summary>One value of one part of a composite entry, in the columns its own index table would use (unused key columns '').</summary>
    private void InsertCompositePart(long rid, long key, int elem, int part, IndexEntry e)
    {
        var s = _insComposite.Bind(1, rid).Bind(2, key).Bind(3, elem).Bind(4, part)
            .Bind(5, "").Bind(6, "").Bind(7, "").Bind(8, "").Bind(9, "").Bind(10, null).Bind(11, null).Bind(12, null).Bind(13, null).Bind(14, null);
        switch (e)
        {
            case StringIndexEntry x: s.Bind(7, x.Normalized).Bind(10, x.Exact); break;
            case TokenIndexEntry x: s.Bind(5, x.System ?? "").Bind(6, x.Code ?? "").Bind(11, x.Text); break;
            case ReferenceIndexEntry x: s.Bind(12, x.TargetType ?? "").Bind(13, x.TargetId ?? "").Bind(14, x.Url ?? ""); break;
            case DateIndexEntry x: s.Bind(8, x.Low.UtcTicks).Bind(9, x.High.UtcTicks); break;
            case NumberIndexEntry x: s.Bind(7, (double)x.Value).Bind(8, (double)x.Low).Bind(9, (double)x.High); break;
            case QuantityIndexEntry x: s.Bind(7, (double)x.Value).Bind(8, (double)x.Low).Bind(9, (double)x.High).Bind(5, SqliteSchema.StoredSystem(x)).Bind(6, x.Code ?? x.Unit ?? ""); break;
            case UriIndexEntry x: s.Bind(7, x.Value); break;
            default: return;
        }
        s.Run();
    }

    /// <summary>
    /// The number search_param gives each parameter key, cached by the writer. A new key is added in
    /// the current transaction; should that roll back, the cache forgets what it learnt since.
    /// </summary>
    private sealed class ParamKeys(SqliteWriteTransaction owner)
    {
        private readonly Dictionary<(string, string), long> _ids = new();
        private readonly List<(string, string)> _added = [];

        public long For(string type, string param)
        {
            if (_ids.TryGetValue((type, param), out var id)) return id;
            var key = SqliteSchema.ParamKey(type, param);
            id = owner._findParam.Bind(1, key).RunInt64() ?? Add(key);
            _ids[(type, param)] = id;
            _added.Add((type, param));
            return id;
        }

        private long Add(string key)
        {
            owner._addParam.Bind(1, key).Run();
            return owner._addParam.LastInsertRowId;
        }

        public void Committed() => _added.Clear();

        public void RolledBack()
        {
            foreach (var k in _added) _ids.Remove(k);
            _added.Clear();
        }
    }

    /// <summary>The group's changes are committed: their stamps move (a job undone alone moves its own too; that only costs a read).</summary>
    public void Committed()
    {
        _keys.Committed();
        _stamps.Committed(_stampsToMove);
        _stampsToMove.Clear();
    }

    public void RolledBack()
    {
        _keys.RolledBack();
        _stampsToMove.Clear();
    }

    public void Dispose()
    {
        _readCurrent.Dispose();
        _state.Dispose();
        _readChainHead.Dispose();
        foreach (var s in new[] { _savepoint, _release, _rollbackTo, _currentRid, _currentVersionRid, _insertVersion, _upsertCurrent, _insString, _insToken, _insReference, _insDate, _insNumber, _insQuantity, _insUri, _insComposite, _findParam, _addParam, _enqueue, _saveChainHead }.Concat(_deleteIndex).Concat(_deleteParamIndex))
            s.Dispose();
    }
}
