using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// Where the booked intervals live in the store's module state. An interval is filed under its actor once for every
/// UTC day it touches (<c>{actor}|{day}|{start ticks}|{owner}</c>), so the intervals that may overlap a range are one
/// key-range scan per actor, however long an interval is. Each owner's entries are listed under its own key so a
/// new version replaces them; capacities above one and expiring holds have kinds of their own.
/// </summary>
public static class OccupancyKeys
{
    public const string Busy = "scheduling.busy";
    public const string Owned = "scheduling.owned";
    public const string Capacity = "scheduling.capacity";
    public const string Hold = "scheduling.hold";
    public const string Booked = "scheduling.booked";

    /// <summary>Scans are capped; a day of one actor never holds this many intervals in practice.</summary>
    public const int ScanLimit = 100_000;

    private static long Day(DateTimeOffset instant) => instant.UtcTicks / TimeSpan.TicksPerDay;

    public static IEnumerable<string> BusyKeys(string actor, BusyInterval interval)
    {
        for (var day = Day(interval.Range.Start); day <= Day(interval.Range.End.AddTicks(-1)); day++)
            yield return $"{actor}|{day:D6}|{interval.Range.Start.UtcTicks:D19}|{interval.Owner}";
    }

    /// <summary>The range covering every day <paramref name="range"/> touches for one actor.</summary>
    public static StateRange BusyRange(string actor, TimeRange range) =>
        new(Busy, $"{actor}|{Day(range.Start):D6}|", $"{actor}|{Day(range.End.AddTicks(-1)):D6}|~", ScanLimit);

    public static string HoldKey(DateTimeOffset expires, string appointmentId) => $"{expires.UtcTicks:D19}|{appointmentId}";

    /// <summary>The holds that expired at <paramref name="now"/>.</summary>
    public static StateRange ExpiredHolds(DateTimeOffset now, int limit) => new(Hold, "", $"{now.UtcTicks:D19}|~", limit);

    /// <summary>A booked appointment, filed by its start.</summary>
    public static string BookedKey(DateTimeOffset start, string appointmentId) => $"{start.UtcTicks:D19}|{appointmentId}";

    /// <summary>The booked appointments that started before <paramref name="before"/>.</summary>
    public static StateRange BookedBefore(DateTimeOffset before, int limit) => new(Booked, "", $"{before.UtcTicks:D19}|~", limit);

    /// <summary>The distinct intervals among scanned entries (an interval spanning days is filed once per day).</summary>
    public static IReadOnlyList<BusyInterval> Distinct(IEnumerable<StateEntry> entries) =>
        entries.Select(e => BusyInterval.Parse(e.Value)).DistinctBy(i => (i.Owner, i.Range.Start)).ToList();
}
