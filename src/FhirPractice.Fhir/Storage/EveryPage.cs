using System.Runtime.CompilerServices;
using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Storage;

/// <summary>A store search followed to its last page, for the server's own reads that need every match (not a client's paging).</summary>
public static class EveryPage
{
    public static async IAsyncEnumerable<ResourceRecord> SearchAllAsync(this IResourceStore store, SearchQuery query, [EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            var page = await store.SearchAsync(query, ct);
            foreach (var match in page.Matches) yield return match;
            if (page.Next is not { } next) yield break;
            query = query with { Position = next };
        }
    }
}
