namespace FhirPractice.Fhir.Storage;

/// <summary>One stored version of a resource: the normalised JSON exactly as it is served.</summary>
/// <param name="Method">The interaction that produced the version (POST, PUT, PATCH, DELETE), shown in history.</param>
/// <param name="Json">The resource JSON; empty for a deletion.</param>
public sealed record ResourceRecord(
    string Type,
    string Id,
    long Version,
    DateTimeOffset LastUpdated,
    string Method,
    bool Deleted,
    ReadOnlyMemory<byte> Json)
{
    public string ETag => $"W/\"{Version}\"";
}

/// <summary>The identity of a current resource, as a search match returns it.</summary>
public readonly record struct ResourceKey(string Type, string Id, long Version);
