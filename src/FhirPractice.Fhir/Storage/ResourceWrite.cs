using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Storage;

/// <summary>
/// A new version handed to the store inside a write transaction: the bytes are final (meta already
/// stamped) and the index entries were computed by the engine. A deletion has no JSON and no entries.
/// </summary>
public sealed record ResourceWrite(
    string Type,
    string Id,
    long Version,
    DateTimeOffset LastUpdated,
    string Method,
    ReadOnlyMemory<byte> Json,
    IReadOnlyList<IndexEntry> Index)
{
    public bool Deleted => Method == "DELETE";
}
