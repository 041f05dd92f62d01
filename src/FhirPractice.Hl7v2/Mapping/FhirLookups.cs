using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping;

/// <summary>The look-ups the mappings make of stored data: by identifier.</summary>
internal static class FhirLookups
{
    /// <summary>The current resources of <paramref name="type"/> holding <paramref name="identifier"/> (its system and value).</summary>
    public static Task<IReadOnlyList<Resource>> ByIdentifierAsync(this IFhirLookup lookup, string type, Identifier identifier, CancellationToken ct) =>
        lookup.SearchAsync(type, [new("identifier", $"{identifier.System}|{identifier.Value}")], ct);

    /// <summary>The first stored <typeparamref name="T"/> that holds one of <paramref name="identifiers"/>, tried in order; null when none does.</summary>
    public static async Task<T?> FirstHoldingAsync<T>(this IFhirLookup lookup, IEnumerable<Identifier> identifiers, CancellationToken ct) where T : Resource
    {
        foreach (var identifier in identifiers)
            if ((await lookup.ByIdentifierAsync(typeof(T).Name, identifier, ct)).OfType<T>().FirstOrDefault() is { } found)
                return found;
        return null;
    }
}
