using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// Reads and updates the outbox table: one row per message a write caused, in queue order by id. Rows are
/// added by the writer in the write's own transaction (<see cref="InsertSql"/>, prepared there).
/// </summary>
internal static class SqliteOutbox
{
    private const string Columns = "id, destination, kind, resource_type, resource_id, resource_version, status, attempts, created, updated, next_attempt, payload, last_error";

    public const string InsertSql = """
        INSERT INTO outbox (destination, kind, resource_type, resource_id, resource_version, status, attempts, created, updated)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?7)
        """;

    public static OutboxMessage? Read(SqliteConnection connection, SqliteTransaction? transaction, long id)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"SELECT {Columns} FROM outbox WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return ReadAll(cmd).FirstOrDefault();
    }

    public static IReadOnlyList<OutboxMessage> Query(SqliteConnection connection, OutboxQuery query)
    {
        using var cmd = connection.CreateCommand();
        var where = new List<string>();
        if (query.Destination is { } destination)
        {
            where.Add("destination = $destination");
            cmd.Parameters.AddWithValue("$destination", destination);
        }
        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select((s, i) => (Name: $"$s{i}", Value: s.ToString())).ToList();
            where.Add($"status IN ({string.Join(", ", names.Select(n => n.Name))})");
            foreach (var (name, value) in names) cmd.Parameters.AddWithValue(name, value);
        }
        if (query.AfterId is long after)
        {
            where.Add("id > $after");
            cmd.Parameters.AddWithValue("$after", after);
        }
        cmd.Parameters.AddWithValue("$count", query.Count);
        cmd.CommandText = $"SELECT {Columns} FROM outbox {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY id LIMIT $count";
        return ReadAll(cmd);
    }

    public static void Save(SqliteConnection connection, SqliteTransaction? transaction, OutboxMessage message)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = """
            UPDATE outbox SET status = $status, attempts = $attempts, updated = $updated, next_attempt = $next, payload = $payload, last_error = $error
            WHERE id = $id
            """;
        cmd.Parameters.AddWithValue("$id", message.Id);
        cmd.Parameters.AddWithValue("$status", message.Status.ToString());
        cmd.Parameters.AddWithValue("$attempts", message.Attempts);
        cmd.Parameters.AddWithValue("$updated", message.Updated.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$next", message.NextAttempt is { } next ? next.ToUnixTimeMilliseconds() : DBNull.Value);
        cmd.Parameters.AddWithValue("$payload", (object?)message.Payload ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$error", (object?)message.LastError ?? DBNull.Value);
        if (cmd.ExecuteNonQuery() != 1) throw new InvalidOperationException($"There is no outbox message {message.Id}");
    }

    private static List<OutboxMessage> ReadAll(SqliteCommand cmd)
    {
        var messages = new List<OutboxMessage>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            messages.Add(new OutboxMessage(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5),
                Enum.Parse<OutboxStatus>(r.GetString(6)), r.GetInt32(7), Instant(r.GetInt64(8)), Instant(r.GetInt64(9)),
                r.IsDBNull(10) ? null : Instant(r.GetInt64(10)), r.IsDBNull(11) ? null : r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12)));
        return messages;
    }

    private static DateTimeOffset Instant(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
