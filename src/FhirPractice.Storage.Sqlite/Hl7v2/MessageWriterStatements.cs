using FhirPractice.Hl7v2.Store;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite.Hl7v2;

/// <summary>
/// The message store writer's two statements, prepared once on its connection and run with new values for every
/// message: preparing them anew cost as much as running them, twice per message.
/// </summary>
internal sealed class MessageWriterStatements : IDisposable
{
    private readonly SqliteCommand _admit;
    private readonly SqliteCommand _complete;

    public MessageWriterStatements(SqliteConnection connection)
    {
        _admit = Prepare(connection, """
            INSERT OR IGNORE INTO hl7v2_message (raw, received_at, updated_at, status, message_type, sending_application,
              sending_facility, control_id, patient_value, patient_authority, accept_ack, ack, error, deduplicated)
            VALUES ($raw, $at, $decided, $status, $type, $app, $facility, $control, $pv, $pa, $accept, $ack, $error, $dedup)
            RETURNING id
            """, "$raw", "$at", "$decided", "$status", "$type", "$app", "$facility", "$control", "$pv", "$pa", "$accept", "$ack", "$error", "$dedup");
        _complete = Prepare(connection,
            "UPDATE hl7v2_message SET status = $status, ack = COALESCE($ack, ack), error = $error, updated_at = $now WHERE id = $id",
            "$status", "$ack", "$error", "$now", "$id");
    }

    /// <summary>The transaction the statements run in until the next one (a group commit's).</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        _admit.Transaction = transaction;
        _complete.Transaction = transaction;
    }

    /// <summary>Inserts the message; its id, or null when its duplicate key is taken.</summary>
    public long? Admit(NewMessage m)
    {
        var key = m.DuplicateKey;
        Bind(_admit, m.Raw, m.ReceivedAt.ToUnixTimeMilliseconds(), (m.DecidedAt ?? m.ReceivedAt).ToUnixTimeMilliseconds(), SqliteMessageStore.StatusText(m.Status), m.MessageType,
            key?.SendingApplication ?? m.SendingApplication, key?.SendingFacility ?? m.SendingFacility, key?.ControlId ?? m.ControlId,
            m.Patient?.Value, m.Patient?.AssigningAuthority, m.AcceptAck, m.Ack, m.Error, key is null ? 0 : 1);
        return _admit.ExecuteScalar() is long inserted ? inserted : null;
    }

    public void Complete(long id, MessageStatus status, byte[]? ack, string? error, long now)
    {
        Bind(_complete, SqliteMessageStore.StatusText(status), ack, error, now, id);
        _complete.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    public void Dispose()
    {
        _admit.Dispose();
        _complete.Dispose();
    }
}
