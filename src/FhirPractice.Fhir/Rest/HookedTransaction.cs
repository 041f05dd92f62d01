using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// The store's transaction as the engine's write plans see it: every version written is shown to the write hooks
/// and kept for the interaction hooks.
/// </summary>
internal sealed class HookedTransaction(IStoreTransaction inner, IReadOnlyList<IWriteHook> hooks) : IStoreTransaction
{
    private readonly List<ResourceWrite> _written = [];

    public DateTimeOffset Timestamp => inner.Timestamp;

    /// <summary>The versions written through this transaction, in order.</summary>
    public IReadOnlyList<ResourceWrite> Written => _written;

    public void Write(ResourceWrite write)
    {
        inner.Write(write);
        _written.Add(write);
        foreach (var hook in hooks) hook.Written(inner, write);
    }

    public ResourceRecord? ReadCurrent(string type, string id) => inner.ReadCurrent(type, id);
    public IReadOnlyList<ResourceKey> Match(SearchQuery query, int limit) => inner.Match(query, limit);
    public bool Reindex(ResourceKey resource, IReadOnlyList<IndexEntry> index, IReadOnlyCollection<string>? only) => inner.Reindex(resource, index, only);
    public JobRecord? ReadJob(string id) => inner.ReadJob(id);
    public void SaveJob(JobRecord job) => inner.SaveJob(job);
    public void Enqueue(OutboxMessage message) => inner.Enqueue(message);
    public OutboxMessage? ReadOutbox(long id) => inner.ReadOutbox(id);
    public void SaveOutbox(OutboxMessage message) => inner.SaveOutbox(message);
    public StateEntry? ReadState(string kind, string key) => inner.ReadState(kind, key);
    public IReadOnlyList<StateEntry> ScanState(StateRange range) => inner.ScanState(range);
    public void SaveState(StateEntry entry) => inner.SaveState(entry);
    public void DeleteState(string kind, string key) => inner.DeleteState(kind, key);
    public ChainLink? ReadChainHead(string chain) => inner.ReadChainHead(chain);
    public void SaveChainHead(string chain, ChainLink head) => inner.SaveChainHead(chain, head);
}
