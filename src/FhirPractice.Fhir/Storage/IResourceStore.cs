using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Storage;

/// <summary>
/// The contract every backend implements. The store is dumb: it persists records and their index
/// entries and answers the backend-neutral query model; parsing, validation and index computation
/// happen in the engine.
/// </summary>
public interface IResourceStore
{
    /// <summary>The current version (which may be a deletion), or null when the id was never used.</summary>
    ValueTask<ResourceRecord?> ReadAsync(string type, string id, CancellationToken ct = default);

    ValueTask<ResourceRecord?> ReadVersionAsync(string type, string id, long version, CancellationToken ct = default);

    ValueTask<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    ValueTask<SearchResult> SearchAsync(SearchQuery query, CancellationToken ct = default);

    /// <summary>The resources one _include or _revinclude step adds (see <see cref="IncludeQuery"/>), in a stable order.</summary>
    ValueTask<IReadOnlyList<ResourceRecord>> IncludeAsync(IncludeQuery query, CancellationToken ct = default);

    /// <summary>
    /// Runs <paramref name="work"/> inside one atomic write transaction and completes only after the
    /// transaction is durably committed. Everything the work reads through the transaction is
    /// consistent with what it writes, so checks made there (versions, conditional matches) cannot
    /// race with other writers. When the work throws, nothing it wrote is kept.
    /// The work must be short: the heavy lifting (parsing, indexing, serialising) happens before it. It may run more
    /// than once (a store may run it again after rolling it back, when another write of its group failed): only its
    /// last run's writes and answer count, so anything it does outside the transaction must be harmless to repeat.
    /// </summary>
    Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken ct = default);

    /// <summary>An asynchronous job's state, or null when there is no job with this id.</summary>
    ValueTask<JobRecord?> ReadJobAsync(string id, CancellationToken ct = default);

    /// <summary>The jobs still <see cref="JobStatus.Running"/>, oldest first: those a restart interrupted.</summary>
    ValueTask<IReadOnlyList<JobRecord>> UnfinishedJobsAsync(CancellationToken ct = default);

    /// <summary>Outbox messages in queue order (see <see cref="OutboxMessage"/>).</summary>
    ValueTask<IReadOnlyList<OutboxMessage>> OutboxAsync(OutboxQuery query, CancellationToken ct = default);

    ValueTask<OutboxMessage?> ReadOutboxAsync(long id, CancellationToken ct = default);

    /// <summary>A module's state entries in a key range, as last committed (see <see cref="StateEntry"/>).</summary>
    ValueTask<IReadOnlyList<StateEntry>> ScanStateAsync(StateRange range, CancellationToken ct = default);

    /// <summary>
    /// A stamp that changes once a commit has changed an entry of <paramref name="kind"/> in <paramref name="partition"/>
    /// (see <see cref="StateEntry"/>), and may change without one. Read before a scan of that partition, it lets the
    /// reader keep what the scan returned for as long as the stamp stays the same. Null when the store cannot tell (state
    /// that other processes write too): then nothing read may be kept.
    /// </summary>
    long? StateStamp(string kind, string partition) => null;

    /// <summary>
    /// A stamp that changes once a commit has written a version of <paramref name="type"/>, and may change without one.
    /// Read before a search of that type, it lets the reader keep what the search found for as long as the stamp stays
    /// the same. Null when the store cannot tell (resources that other processes write too): then nothing found may be kept.
    /// </summary>
    long? TypeStamp(string type) => null;
}

/// <summary>What a write transaction may do.</summary>
public interface IStoreTransaction
{
    /// <summary>The commit instant every version written in this transaction carries.</summary>
    DateTimeOffset Timestamp { get; }

    ResourceRecord? ReadCurrent(string type, string id);

    /// <summary>Current, non-deleted resources matching the query, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<ResourceKey> Match(SearchQuery query, int limit);

    void Write(ResourceWrite write);

    /// <summary>
    /// Replaces the index entries of a current resource without writing a new version: all of them, or
    /// only those filed under <paramref name="only"/>. Returns false, changing nothing, when
    /// <paramref name="resource"/> is no longer the current version (its successor was indexed when written).
    /// </summary>
    bool Reindex(ResourceKey resource, IReadOnlyList<IndexEntry> index, IReadOnlyCollection<string>? only);

    JobRecord? ReadJob(string id);

    /// <summary>Inserts or replaces the job's state.</summary>
    void SaveJob(JobRecord job);

    /// <summary>Adds a message to the outbox (its <see cref="OutboxMessage.Id"/> is assigned); it commits or rolls back with this transaction.</summary>
    void Enqueue(OutboxMessage message);

    OutboxMessage? ReadOutbox(long id);

    /// <summary>Replaces the state of an enqueued message (status, attempts, payload, error).</summary>
    void SaveOutbox(OutboxMessage message);

    /// <summary>A module's state entry, or null when there is none; sees this transaction's own changes.</summary>
    StateEntry? ReadState(string kind, string key);

    /// <summary>A module's state entries in a key range; sees this transaction's own changes.</summary>
    IReadOnlyList<StateEntry> ScanState(StateRange range);

    /// <summary>Inserts or replaces a state entry; it commits or rolls back with this transaction.</summary>
    void SaveState(StateEntry entry);

    /// <summary>Removes a state entry, if there is one.</summary>
    void DeleteState(string kind, string key);
    /// <summary>The head of the named hash chain (see <see cref="ChainLink"/>), or null before its first link.</summary>
    ChainLink? ReadChainHead(string chain);

    /// <summary>Moves the named chain's head; it commits or rolls back with this transaction.</summary>
    void SaveChainHead(string chain, ChainLink head);
}
