using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Inventory.Tests;

/// <summary>
/// The module-state part of a store transaction, in memory and with ordinal key order like the store's; a snapshot
/// and restore stand in for a rolled-back write. Resource operations are not needed by the ledger and throw.
/// </summary>
public sealed class InMemoryStateTransaction : IStoreTransaction
{
    private Dictionary<string, SortedDictionary<string, string>> _kinds = [];

    public DateTimeOffset Timestamp { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public StateEntry? ReadState(string kind, string key) =>
        _kinds.GetValueOrDefault(kind)?.TryGetValue(key, out var value) == true ? new StateEntry(kind, key, value) : null;

    public IReadOnlyList<StateEntry> ScanState(StateRange range) =>
        _kinds.GetValueOrDefault(range.Kind)?
            .Where(e => string.CompareOrdinal(e.Key, range.From) >= 0 && string.CompareOrdinal(e.Key, range.To) < 0)
            .Take(range.Limit).Select(e => new StateEntry(range.Kind, e.Key, e.Value)).ToList() ?? [];

    public IReadOnlyList<StateEntry> All(string kind) => ScanState(new StateRange(kind, "", "\uffff", int.MaxValue));

    public void SaveState(StateEntry entry)
    {
        if (!_kinds.TryGetValue(entry.Kind, out var entries)) _kinds[entry.Kind] = entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        entries[entry.Key] = entry.Value;
    }

    public void DeleteState(string kind, string key) => _kinds.GetValueOrDefault(kind)?.Remove(key);

    public Dictionary<string, SortedDictionary<string, string>> Snapshot() =>
        _kinds.ToDictionary(k => k.Key, k => new SortedDictionary<string, string>(k.Value, StringComparer.Ordinal));

    public void Restore(Dictionary<string, SortedDictionary<string, string>> snapshot) => _kinds = snapshot;

    public ResourceRecord? ReadCurrent(string type, string id) => throw new NotSupportedException();
    public IReadOnlyList<ResourceKey> Match(SearchQuery query, int limit) => throw new NotSupportedException();
    public void Write(ResourceWrite write) => throw new NotSupportedException();
    public bool Reindex(ResourceKey resource, IReadOnlyList<IndexEntry> index, IReadOnlyCollection<string>? only) => throw new NotSupportedException();
    public JobRecord? ReadJob(string id) => throw new NotSupportedException();
    public void SaveJob(JobRecord job) => throw new NotSupportedException();
    public void Enqueue(OutboxMessage message) => throw new NotSupportedException();
    public OutboxMessage? ReadOutbox(long id) => throw new NotSupportedException();
    public void SaveOutbox(OutboxMessage message) => throw new NotSupportedException();
    public ChainLink? ReadChainHead(string chain) => throw new NotSupportedException();
    public void SaveChainHead(string chain, ChainLink head) => throw new NotSupportedException();
}
