using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Storage.Sqlite.Tests;

namespace FhirPractice.Scheduling.Tests;

/// <summary>An actor's bookings are read once and kept until a commit changes them, and read every time from a store that cannot tell.</summary>
public sealed class OccupancyReaderTests : TempStoreTests
{
    private static readonly DateTimeOffset Nine = new(2025, 6, 10, 13, 0, 0, TimeSpan.Zero);
    private static readonly TimeRange Morning = new(Nine, Nine.AddHours(3));
    private Task Book(string actor, int fromMinutes, string owner) => Store.WriteAsync(tx =>
    {
        var interval = new BusyInterval(new TimeRange(Nine.AddMinutes(fromMinutes), Nine.AddMinutes(fromMinutes + 30)), owner, []);
        foreach (var key in OccupancyKeys.BusyKeys(actor, interval)) tx.SaveState(new StateEntry(OccupancyKeys.Busy, key, interval.Serialise()));
        return 0;
    });

    [Fact]
    public async Task A_read_is_kept_until_a_commit_changes_that_actors_bookings()
    {
        var store = new CountingStore(Store, stamps: true);
        var reader = new OccupancyReader();
        await Book("Practitioner/a", 0, "Appointment/1");

        Assert.Single(await reader.BusyAsync(store, "Practitioner/a", Morning, default));
        Assert.Single(await reader.BusyAsync(store, "Practitioner/a", Morning, default));
        Assert.Equal(1, store.Scans);

        await Book("Practitioner/a", 60, "Appointment/2");
        Assert.Equal(["Appointment/1", "Appointment/2"], (await reader.BusyAsync(store, "Practitioner/a", Morning, default)).Select(i => i.Owner).Order());
        Assert.Equal(2, store.Scans);
    }

    [Fact]
    public async Task A_store_without_stamps_is_read_every_time()
    {
        var store = new CountingStore(Store, stamps: false);
        var reader = new OccupancyReader();
        await Book("Practitioner/a", 0, "Appointment/1");

        await reader.BusyAsync(store, "Practitioner/a", Morning, default);
        await reader.BusyAsync(store, "Practitioner/a", Morning, default);

        Assert.Equal(2, store.Scans);
    }

    /// <summary>The store, counting its module-state scans; without stamps it is one that cannot tell what changed.</summary>
    private sealed class CountingStore(IResourceStore inner, bool stamps) : IResourceStore
    {
        public int Scans { get; private set; }

        public ValueTask<IReadOnlyList<StateEntry>> ScanStateAsync(StateRange range, CancellationToken ct = default)
        {
            Scans++;
            return inner.ScanStateAsync(range, ct);
        }

        public long? StateStamp(string kind, string partition) => stamps ? inner.StateStamp(kind, partition) : null;

        public ValueTask<ResourceRecord?> ReadAsync(string type, string id, CancellationToken ct = default) => inner.ReadAsync(type, id, ct);
        public ValueTask<ResourceRecord?> ReadVersionAsync(string type, string id, long version, CancellationToken ct = default) => inner.ReadVersionAsync(type, id, version, ct);
        public ValueTask<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default) => inner.HistoryAsync(query, ct);
        public ValueTask<SearchResult> SearchAsync(SearchQuery query, CancellationToken ct = default) => inner.SearchAsync(query, ct);
        public ValueTask<IReadOnlyList<ResourceRecord>> IncludeAsync(IncludeQuery query, CancellationToken ct = default) => inner.IncludeAsync(query, ct);
        public Task<T> WriteAsync<T>(Func<IStoreTransaction, T> work, CancellationToken ct = default) => inner.WriteAsync(work, ct);
        public ValueTask<JobRecord?> ReadJobAsync(string id, CancellationToken ct = default) => inner.ReadJobAsync(id, ct);
        public ValueTask<IReadOnlyList<JobRecord>> UnfinishedJobsAsync(CancellationToken ct = default) => inner.UnfinishedJobsAsync(ct);
        public ValueTask<IReadOnlyList<OutboxMessage>> OutboxAsync(OutboxQuery query, CancellationToken ct = default) => inner.OutboxAsync(query, ct);
        public ValueTask<OutboxMessage?> ReadOutboxAsync(long id, CancellationToken ct = default) => inner.ReadOutboxAsync(id, ct);
    }
}
