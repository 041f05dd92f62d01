using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace FhirPractice.Fhir.Validation;

/// <summary>
/// Lets one resolution through at a time. Wraps the snapshot-generating source, whose generator keeps
/// per-call state (recursion tracking) and is not safe to run concurrently. It sits below the cache,
/// so only cache misses — a few per profile, mostly during warm-up — ever wait here.
/// </summary>
internal sealed class SerializedResolver(IAsyncResourceResolver inner) : IAsyncResourceResolver
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task<ResolverResult> TryResolveByUriAsync(string uri) => OneAtATime(() => inner.TryResolveByUriAsync(uri));

    public Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => OneAtATime(() => inner.TryResolveByCanonicalUriAsync(uri));

#pragma warning disable CS0618 // obsolete, but still members of the interface that callers may use
    public Task<Resource?> ResolveByUriAsync(string uri) => OneAtATime(() => inner.ResolveByUriAsync(uri));

    public Task<Resource?> ResolveByCanonicalUriAsync(string uri) => OneAtATime(() => inner.ResolveByCanonicalUriAsync(uri));
#pragma warning restore CS0618

    private async Task<T> OneAtATime<T>(Func<Task<T>> resolve)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try { return await resolve().ConfigureAwait(false); }
        finally { _gate.Release(); }
    }
}
