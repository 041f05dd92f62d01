namespace FhirPractice.Fhir.Storage;

/// <summary>
/// The last link of an append-only hash chain the store keeps for a module (the audit trail's): how many links
/// there are and the hash of the last one. It is read and moved inside the write transaction that appends, so it
/// commits or rolls back with what was appended, and the single writer gives the chain its order.
/// </summary>
public sealed record ChainLink(long Sequence, string Hash);
