using System.Threading.Channels;
using FhirPractice.Hl7v2.Store;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite.Hl7v2;

/// <summary>
/// The v2 message store in its own SQLite file beside the FHIR database (see docs/adr/0006): one table,
/// WAL, one writer that commits whatever writes are waiting together (each write is one statement, so a
/// failing one needs no savepoint), reads on their own connections.
/// </summary>
public sealed class SqliteMessageStore : IMessageStore, IAsyncDisposable
{
    private const string Columns = "id, raw, received_at, updated_at, status, message_type, sending_application, sending_facility, " +
        "control_id, patient_value, patient_authority, accept_ack, ack, error";

    private readonly string _connectionString;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly WalFlusher? _flusher;
    private readonly TimeProvider _clock;

    /// <summary>The message store file for a FHIR database file: <c>fhir.db</c> → <c>fhir.hl7v2.db</c>.</summary>
    public static string PathBeside(string fhirDatabasePath) =>
        System.IO.Path.ChangeExtension(System.IO.Path.GetFullPath(fhirDatabasePath), ".hl7v2.db");

    public SqliteMessageStore(string path, string synchronous, TimeProvider clock)
    {
        _clock = clock;
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 }.ToString();

        var writer = new SqliteConnection(_connectionString);
        writer.Open();
        Execute(writer, "PRAGMA busy_timeout = 30000;");
        Execute(writer, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS hl7v2_message (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              raw BLOB NOT NULL,
              received_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL,
              status TEXT NOT NULL,
              message_type TEXT,
              sending_application TEXT,
              sending_facility TEXT,
              control_id TEXT,
              patient_value TEXT,
              patient_authority TEXT,
              accept_ack BLOB,
              ack BLOB,
              error TEXT,
              deduplicated INTEGER NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS hl7v2_message_duplicate
              ON hl7v2_message (sending_application, sending_facility, control_id) WHERE deduplicated = 1;
            CREATE INDEX IF NOT EXISTS hl7v2_message_status ON hl7v2_message (status, id);
            CREATE INDEX IF NOT EXISTS hl7v2_message_type ON hl7v2_message (message_type, id);
            CREATE INDEX IF NOT EXISTS hl7v2_message_patient ON hl7v2_message (patient_value, id);
            """);
        _flusher = WalFlusher.ForWriter(writer, full, synchronous);
        _writer = Task.Factory.StartNew(() => WriteLoop(writer), TaskCreationOptions.LongRunning).Unwrap();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public async Task<Admission> AdmitAsync(NewMessage m, CancellationToken ct = default)
    {
        var id = await WriteAsync(statements => statements.Admit(m), ct);

        if (id is long newId)
            return new Admission(new StoredMessage(newId, m.Raw, m.ReceivedAt, m.DecidedAt ?? m.ReceivedAt, m.Status, m.MessageType,
                m.DuplicateKey?.SendingApplication ?? m.SendingApplication, m.DuplicateKey?.SendingFacility ?? m.SendingFacility,
                m.DuplicateKey?.ControlId ?? m.ControlId, m.Patient, m.AcceptAck, m.Ack, m.Error), IsDuplicate: false);
        return new Admission(await FindAsync(m.DuplicateKey!, ct) ?? throw new InvalidOperationException("a duplicate key was taken by no stored message"),
            IsDuplicate: true);
    }

    public Task<StoredMessage?> FindAsync(DuplicateKey key, CancellationToken ct = default) =>
        Task.FromResult(OnReader(connection =>
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT {Columns} FROM hl7v2_message WHERE deduplicated = 1 AND sending_application = $app AND sending_facility = $facility AND control_id = $control";
            cmd.Parameters.AddWithValue("$app", key.SendingApplication);
            cmd.Parameters.AddWithValue("$facility", key.SendingFacility);
            cmd.Parameters.AddWithValue("$control", key.ControlId);
            return ReadAll(cmd).SingleOrDefault();
        }));

    public Task CompleteAsync(long id, MessageStatus status, byte[]? ack, string? error, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return WriteAsync<object?>(statements =>
        {
            statements.Complete(id, status, ack, error, now);
            return null;
        }, ct);
    }

    public Task<StoredMessage?> GetAsync(long id, CancellationToken ct = default) =>
        Task.FromResult(OnReader(connection =>
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT {Columns} FROM hl7v2_message WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            return ReadAll(cmd).SingleOrDefault();
        }));

    public Task<MessagePage> SearchAsync(MessageQuery query, CancellationToken ct = default) =>
        Task.FromResult(OnReader(connection =>
        {
            using var cmd = connection.CreateCommand();
            var where = new List<string> { "1 = 1" };
            void Criterion(string sql, string name, object? value)
            {
                if (value is null) return;
                where.Add(sql);
                cmd.Parameters.AddWithValue(name, value);
            }
            Criterion("message_type = $type", "$type", query.MessageType);
            Criterion("sending_application = $app", "$app", query.SendingApplication);
            Criterion("sending_facility = $facility", "$facility", query.SendingFacility);
            Criterion("patient_value = $pv", "$pv", query.Patient?.Value);
            Criterion("patient_authority = $pa", "$pa", query.Patient?.AssigningAuthority);
            Criterion("status = $status", "$status", query.Status is { } s ? StatusText(s) : null);
            Criterion("received_at >= $since", "$since", query.Since?.ToUnixTimeMilliseconds());
            Criterion("id < $before", "$before", query.Before);
            cmd.CommandText = $"SELECT {Columns} FROM hl7v2_message WHERE {string.Join(" AND ", where)} ORDER BY id DESC LIMIT $limit";
            cmd.Parameters.AddWithValue("$limit", query.Count + 1);
            var rows = ReadAll(cmd);
            return rows.Count > query.Count
                ? new MessagePage(rows[..query.Count], rows[query.Count - 1].Id)
                : new MessagePage(rows, null);
        }));

    private T OnReader<T>(Func<SqliteConnection, T> query)
    {
        // Pooled by Microsoft.Data.Sqlite; WAL readers never wait for the writer, and the synchronous setting is the
        // writer's concern, so a read sets nothing (each PRAGMA is a statement prepared on every open).
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return query(connection);
    }

    private static List<StoredMessage> ReadAll(SqliteCommand cmd)
    {
        var result = new List<StoredMessage>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            byte[]? Bytes(int i) => r.IsDBNull(i) ? null : (byte[])r[i];
            result.Add(new StoredMessage(r.GetInt64(0), (byte[])r[1],
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)),
                ParseStatus(r.GetString(4)), Text(5), Text(6), Text(7), Text(8),
                Text(9) is { } value ? new PatientIdentifier(value, Text(10)) : null, Bytes(11), Bytes(12), Text(13)));
        }
        return result;
    }

    internal static string StatusText(MessageStatus status) => status.ToString().ToLowerInvariant();

    private static MessageStatus ParseStatus(string text) => Enum.Parse<MessageStatus>(text, ignoreCase: true);

    private Task<T> WriteAsync<T>(Func<MessageWriterStatements, T> work, CancellationToken ct)
    {
        var write = new Write(statements => work(statements));
        if (!_queue.Writer.TryWrite(write)) throw new ObjectDisposedException(nameof(SqliteMessageStore));
        return write.Done.Task.ContinueWith(t => (T)t.Result!, ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // Group commit: every write waiting runs in one transaction and completes after its commit is durable.
    private async Task WriteLoop(SqliteConnection connection)
    {
        using var statements = new MessageWriterStatements(connection);
        var batch = new List<(Write Write, object? Result, Exception? Error)>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < 256 && _queue.Reader.TryRead(out var write)) batch.Add((write, null, null));
                try
                {
                    using (var transaction = connection.BeginTransaction())
                    {
                        statements.Enlist(transaction);
                        for (var i = 0; i < batch.Count; i++)
                        {
                            try { batch[i] = batch[i] with { Result = batch[i].Write.Work(statements) }; }
                            catch (SqliteException e) { batch[i] = batch[i] with { Error = e }; }
                        }
                        transaction.Commit();
                    }
                    if (_flusher is null)
                        foreach (var (write, result, error) in batch) Answer(write, result, error);
                    else
                        _flusher.Committed(batch.Select(w => (Action<Exception?>)(failure => Answer(w.Write, w.Result, w.Error ?? failure))).ToList());
                }
                catch (Exception e)
                {
                    foreach (var (write, _, _) in batch) write.Done.TrySetException(e);
                }
            }
        }
        finally
        {
            if (_flusher is not null) await _flusher.CompleteAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Answer(Write write, object? result, Exception? error)
    {
        if (error is null) write.Done.TrySetResult(result); else write.Done.TrySetException(error);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private sealed class Write(Func<MessageWriterStatements, object?> work)
    {
        public Func<MessageWriterStatements, object?> Work { get; } = work;
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
