namespace FhirPractice.Fhir.Storage;

public enum OutboxStatus { Pending, Sent, Failed }

/// <summary>
/// A message to another system that a write causes (the transactional outbox): it is added inside the write's
/// store transaction, so it exists exactly when the write committed, and a sender delivers it afterwards. The
/// store keeps it as it is; what <see cref="Kind"/> and <see cref="Payload"/> mean is the sender's business.
/// </summary>
/// <param name="Id">Assigned by the store when enqueued, increasing: the order of a destination's queue.</param>
/// <param name="Kind">What the sender makes of it (for HL7 v2: SIU, ADT).</param>
/// <param name="ResourceVersion">The version the write produced; the message is built from that version.</param>
/// <param name="Attempts">Failed deliveries so far.</param>
/// <param name="NextAttempt">Not to be tried before this instant (backoff after a failure).</param>
/// <param name="Payload">The message as first built, kept so that every retry sends the same bytes.</param>
/// <param name="LastError">Why the last delivery failed, or why the peer refused it.</param>
public sealed record OutboxMessage(
    long Id,
    string Destination,
    string Kind,
    string ResourceType,
    string ResourceId,
    long ResourceVersion,
    OutboxStatus Status,
    int Attempts,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    DateTimeOffset? NextAttempt = null,
    string? Payload = null,
    string? LastError = null);

/// <summary>Outbox messages in queue order (by id): those of a destination, with one of the statuses, after an id.</summary>
public sealed record OutboxQuery(string? Destination, IReadOnlyCollection<OutboxStatus>? Statuses, long? AfterId, int Count);
