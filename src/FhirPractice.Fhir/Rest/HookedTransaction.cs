using FhirPractice.Fhir.Storage;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// The store's transaction as the engine's write plans see it: every version is shown to the write hooks before and
/// after it is written, with the system whose message caused it (<paramref name="origin"/>), and kept for the
/// interaction hooks.
/// </summary>
internal sealed class HookedTransaction(IStoreTransaction inner, IReadOnlyList<IWriteHook> hooks, string? origin = null) : DelegatingTransaction(inner)
{
    private readonly List<ResourceWrite> _written = [];

    /// <summary>The versions written through this transaction, in order.</summary>
    public IReadOnlyList<ResourceWrite> Written => _written;

    public override void Write(ResourceWrite write)
    {
        if (origin is not null) write = write with { Origin = origin };
        foreach (var hook in hooks) hook.Writing(Inner, write);
        Inner.Write(write);
        _written.Add(write);
        foreach (var hook in hooks) hook.Written(Inner, write);
    }
}
