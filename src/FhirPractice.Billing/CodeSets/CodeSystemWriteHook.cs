using System.Collections.Concurrent;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// Keeps the <see cref="CodeSetCatalog"/> in step with the stored CodeSystems of the billing code systems, at every
/// door (import, REST, transactions). The writer only notes the version (known by its url index entry, no parsing);
/// after the commit the version is parsed and loaded, if it is still the stored one (a write whose transaction
/// rolled back, or that a newer version replaced, is skipped).
/// </summary>
public sealed class CodeSystemWriteHook(CodeSetCatalog catalog, IResourceStore store) : IWriteHook
{
    private readonly ConcurrentQueue<ResourceWrite> _pending = new();

    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        if (write.Type != "CodeSystem") return;
        var ours = write.Index.OfType<UriIndexEntry>().Any(e => e.Param == "url" && CodeSystemResource.IsBillingSystem(e.Value));
        if (ours || catalog.Holds(write.Id)) _pending.Enqueue(write);
    }

    public void Committed()
    {
        while (_pending.TryDequeue(out var write))
        {
            // Committed runs after the engine's await of the commit; a read by id is a prepared statement on the read pool.
            var stored = store.ReadAsync("CodeSystem", write.Id).AsTask().GetAwaiter().GetResult();
            if (stored is null || stored.Version != write.Version) continue;
            var release = write.Deleted ? null : CodeSystemResource.FromCodeSystem((CodeSystem)write.Resource());
            if (release is null) catalog.Forget(write.Id);
            else catalog.Load(release, write.Id);
        }
    }
}
