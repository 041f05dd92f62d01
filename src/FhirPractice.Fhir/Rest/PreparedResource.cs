using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// A resource ready to be written: validated, indexed and serialised with meta placeholders, so the
/// write transaction only has to stamp the version and instant into its bytes.
/// </summary>
public sealed class PreparedResource
{
    public required string Type { get; init; }
    public required string Id { get; init; }
    public required Resource Resource { get; init; }
    public required byte[] Template { get; init; }
    public required IReadOnlyList<IndexEntry> Index { get; init; }

    /// <remarks>The parsed resource goes along unless it was prepared again since, under another id (one object in
    /// two entries of a Bundle built in memory): then the hooks parse the bytes.</remarks>
    public ResourceWrite ToWrite(long version, DateTimeOffset lastUpdated, string method) =>
        new(Type, Id, version, lastUpdated, method, MetaStamp.Stamp(Template, version, lastUpdated), Index) { Parsed = Resource.Id == Id ? Resource : null };

    /// <summary>Whether this is the content of <paramref name="stored"/>: its JSON byte for byte once given that version's meta.</summary>
    public bool IsSameAs(ResourceRecord stored) =>
        MetaStamp.Stamp(Template, stored.Version, stored.LastUpdated).AsSpan().SequenceEqual(stored.Json.Span);
}
