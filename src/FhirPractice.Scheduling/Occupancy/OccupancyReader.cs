using System.Collections.Concurrent;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// Reads what actors have booked, as last committed, outside the write transaction ($find, the early refusal of a taken
/// time, the waitlist's offers). Each read is kept until a commit changes that actor's bookings (the store's
/// <see cref="IResourceStore.StateStamp"/>): $find asks for the same days of the same providers again and again, and
/// reading and parsing their bookings was most of its cost on a full calendar.
/// </summary>
public sealed class OccupancyReader
{
    /// <summary>Reads kept, by actor and scanned days; cleared when full (a day of one actor is a few hundred bytes).</summary>
    private readonly ConcurrentDictionary<(string Actor, string From, string To), (long Stamp, IReadOnlyList<BusyInterval> Busy)> _kept = new();

    private const int MaxKept = 20_000;

    /// <summary>The intervals booked for an actor on the UTC days <paramref name="range"/> touches (so those that may overlap it).</summary>
    public async Task<IReadOnlyList<BusyInterval>> BusyAsync(IResourceStore store, string actor, TimeRange range, CancellationToken ct)
    {
        var scan = OccupancyKeys.BusyRange(actor, range);
        // Read before the scan: a commit the scan did not see moves the stamp after it, so what the scan read is not used past it.
        var stamp = store.StateStamp(OccupancyKeys.Busy, actor);
        var key = (actor, scan.From, scan.To);
        if (stamp is { } now && _kept.TryGetValue(key, out var kept) && kept.Stamp == now) return kept.Busy;
        var busy = OccupancyKeys.Distinct(await store.ScanStateAsync(scan, ct));
        if (stamp is { } read)
        {
            if (_kept.Count >= MaxKept) _kept.Clear();
            _kept[key] = (read, busy);
        }
        return busy;
    }
}
