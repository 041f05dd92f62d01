using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// The refusal of a time already taken. The write hook decides, in the write transaction; <see cref="RefuseAsync"/>
/// says it early, from the last commit on a read connection, so a request for a time booked earlier costs a read instead of
/// a job on the single writer (which would write the booking, find the time taken and roll it all back). The early
/// check can only refuse: a time it lets through is still decided in the transaction.
/// </summary>
public static class TakenTime
{
    public static FhirError Conflict(string actor, TimeRange range) =>
        FhirError.Conflict($"{actor} is already booked between {range.Start:O} and {range.End:O}");

    /// <summary>A 409 when, as last committed, some actor has no room for the range it would take.</summary>
    public static async Task RefuseAsync(OccupancyReader occupancy, IResourceStore store, IEnumerable<(string Actor, TimeRange Range)> takes, CancellationToken ct)
    {
        foreach (var (actor, range) in takes)
        {
            var busy = await occupancy.BusyAsync(store, actor, range, ct);
            if (busy.Count == 0) continue;
            var capacity = await store.ScanStateAsync(new StateRange(OccupancyKeys.Capacity, actor, actor + "\0", 1), ct) is [var c]
                ? int.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture) : 1;
            if (!BusyInterval.HasRoom(busy, range, null, capacity)) throw Conflict(actor, range);
        }
    }
}
