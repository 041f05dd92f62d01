namespace FhirPractice.Fhir.Storage;

/// <summary>
/// A page of history, newest first. <see cref="Before"/> is the keyset cursor of the page (an
/// opaque, monotonically increasing sequence number of versions), so a page link survives restarts.
/// </summary>
/// <param name="Type">Null for system history.</param>
/// <param name="Id">Null for type or system history.</param>
/// <param name="Since">Only versions updated at or after this instant.</param>
/// <param name="At">Only the version current at this instant, per resource.</param>
public sealed record HistoryQuery(
    string? Type,
    string? Id,
    DateTimeOffset? Since,
    DateTimeOffset? At,
    int Count,
    long? Before);

/// <param name="Next">The cursor of the next (older) page, or null at the end.</param>
public sealed record HistoryPage(IReadOnlyList<ResourceRecord> Entries, long? Next, long Total);
