using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Storage;

/// <summary>
/// A store transaction that passes everything to another, for wrappers that change how versions are written
/// (<see cref="Write"/>) and nothing else.
/// </summary>
public abstract class DelegatingTransaction(IStoreTransaction inner) : IStoreTransaction
{
    /// <summary>The transaction this one passes to.</summary>
    protected IStoreTransaction Inner => inner;

    public DateTimeOffset Timestamp => inner.Timestamp;
    public virtual void Write(ResourceWrite write) => inner.Write(write);
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
