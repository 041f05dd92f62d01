using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

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

    /// <summary>
    /// The resource the bytes were serialised from, when the writer had it parsed (the engine's own writes), so that
    /// write hooks on the single writer's thread need not parse the bytes again. Read-only: it may be the caller's
    /// object. Its meta holds placeholders for this version's id and instant, which only <see cref="Json"/> has.
    /// </summary>
    public Resource? Parsed { get; init; }

    /// <summary>The system whose message caused this write (<see cref="Rest.FhirCaller.Origin"/>), for the write hooks that pass changes on to other systems.</summary>
    public string? Origin { get; init; }
}
