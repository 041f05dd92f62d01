namespace FhirPractice.Hl7v2.Store;

/// <summary>
/// Where every inbound v2 message is kept, raw, with what became of it. Backends implement this; the
/// inbound pipeline and the staff API only talk to it. Every write is durable when its task completes.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Stores <paramref name="message"/>, unless it has a <see cref="NewMessage.DuplicateKey"/> that a stored
    /// message already has: then nothing is written and that message is returned with
    /// <see cref="Admission.IsDuplicate"/> set. Atomic, so of two concurrent admissions of one key one wins.
    /// </summary>
    Task<Admission> AdmitAsync(NewMessage message, CancellationToken ct = default);

    /// <summary>
    /// Records the outcome of processing message <paramref name="id"/>: its status, the error (null clears
    /// it) and, when <paramref name="ack"/> is not null, the ACK sent for it.
    /// </summary>
    Task CompleteAsync(long id, MessageStatus status, byte[]? ack, string? error, CancellationToken ct = default);

    Task<StoredMessage?> GetAsync(long id, CancellationToken ct = default);

    /// <summary>The stored message with this duplicate key, or null.</summary>
    Task<StoredMessage?> FindAsync(DuplicateKey key, CancellationToken ct = default);

    /// <summary>The messages that match, newest first, one page at a time.</summary>
    Task<MessagePage> SearchAsync(MessageQuery query, CancellationToken ct = default);
}

public enum MessageStatus
{
    /// <summary>Stored, its FHIR changes not (yet) committed: in flight, or left by a crash and processed again at start.</summary>
    Received,

    /// <summary>Mapped and its FHIR changes committed (acknowledged AA).</summary>
    Mapped,

    /// <summary>Refused or not mappable (acknowledged AE/AR): the dead-letter list.</summary>
    Failed,
}

/// <summary>What identifies a message for duplicate control: MSH-10 per sending application and facility (MSH-3, MSH-4, as sent).</summary>
public sealed record DuplicateKey(string SendingApplication, string SendingFacility, string ControlId);

/// <summary>A patient identifier: PID-3's first repetition, value and assigning authority.</summary>
public sealed record PatientIdentifier(string Value, string? AssigningAuthority);

/// <summary>A message to store. What could not be read from it (an unparseable message) is null.</summary>
public sealed record NewMessage(byte[] Raw, DateTimeOffset ReceivedAt, MessageStatus Status)
{
    public DuplicateKey? DuplicateKey { get; init; }
    /// <summary>MSH-9 as type^trigger, e.g. ADT^A08.</summary>
    public string? MessageType { get; init; }
    public string? SendingApplication { get; init; }
    public string? SendingFacility { get; init; }
    public string? ControlId { get; init; }
    public PatientIdentifier? Patient { get; init; }
    /// <summary>The enhanced-mode accept ACK (CA/CE/CR) sent when the message was stored.</summary>
    public byte[]? AcceptAck { get; init; }
    /// <summary>The ACK, when the message is stored already decided (a reject, or processed before it is stored).</summary>
    public byte[]? Ack { get; init; }
    public string? Error { get; init; }
    /// <summary>When its status was decided, for a message stored already decided; null: when it was received.</summary>
    public DateTimeOffset? DecidedAt { get; init; }
}

public sealed record StoredMessage(long Id, byte[] Raw, DateTimeOffset ReceivedAt, DateTimeOffset UpdatedAt, MessageStatus Status,
    string? MessageType, string? SendingApplication, string? SendingFacility, string? ControlId, PatientIdentifier? Patient,
    byte[]? AcceptAck, byte[]? Ack, string? Error);

public sealed record Admission(StoredMessage Message, bool IsDuplicate);

/// <summary>
/// A search over stored messages; every criterion is optional and they combine with AND.
/// <see cref="Before"/> is the keyset cursor: only messages with a smaller id (the next page).
/// </summary>
public sealed record MessageQuery(int Count)
{
    public string? MessageType { get; init; }
    public string? SendingApplication { get; init; }
    public string? SendingFacility { get; init; }
    public PatientIdentifier? Patient { get; init; }
    public MessageStatus? Status { get; init; }
    public DateTimeOffset? Since { get; init; }
    public long? Before { get; init; }
}

/// <param name="Next">The cursor for the next page (<see cref="MessageQuery.Before"/>), null on the last page.</param>
public sealed record MessagePage(IReadOnlyList<StoredMessage> Messages, long? Next);
