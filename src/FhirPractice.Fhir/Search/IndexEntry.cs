namespace FhirPractice.Fhir.Search;

/// <summary>
/// One value of one search parameter of a resource, in a backend-neutral form. The engine computes
/// them on every write; the store persists them with the resource in the same transaction.
/// </summary>
public abstract record IndexEntry(string Param);

/// <param name="Normalized">Lower-cased, accents removed: what default and :contains matching use.</param>
/// <param name="Exact">The value as written, for :exact.</param>
public sealed record StringIndexEntry(string Param, string Normalized, string Exact) : IndexEntry(Param);

/// <param name="Text">Display text (coding display or CodeableConcept.text), normalised like strings, for :text.</param>
public sealed record TokenIndexEntry(string Param, string? System, string? Code, string? Text) : IndexEntry(Param);

/// <summary>A literal reference: a local one has <see cref="TargetType"/>/<see cref="TargetId"/>; an absolute or canonical one has <see cref="Url"/>.</summary>
public sealed record ReferenceIndexEntry(string Param, string? TargetType, string? TargetId, string? Url, string? CanonicalVersion) : IndexEntry(Param);

/// <summary>A date, dateTime, instant or period as the half-open range of instants it covers.</summary>
public sealed record DateIndexEntry(string Param, DateTimeOffset Low, DateTimeOffset High) : IndexEntry(Param);

/// <summary>A number as the range its significant figures imply.</summary>
public sealed record NumberIndexEntry(string Param, decimal Value, decimal Low, decimal High) : IndexEntry(Param);

public sealed record QuantityIndexEntry(string Param, decimal Value, decimal Low, decimal High, string? System, string? Code, string? Unit) : IndexEntry(Param)
{
    /// <summary>
    /// A UCUM quantity converted to canonical units (an extra entry beside the one as written): only UCUM searches,
    /// converted the same way, compare with it.
    /// </summary>
    public bool Canonical { get; init; }
}

public sealed record UriIndexEntry(string Param, string Value) : IndexEntry(Param);

/// <summary>
/// One element a composite parameter's expression selects (an Observation, an Observation.component…) with the
/// entries of each part computed on that element: <see cref="Parts"/>[i] holds the i-th component's entries (a
/// code with two codings gives two). A search matches only when every part matches within the same entry.
/// </summary>
public sealed record CompositeIndexEntry(string Param, IReadOnlyList<IReadOnlyList<IndexEntry>> Parts) : IndexEntry(Param);
