using FhirPractice.Scheduling.Availability;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// One interval during which an actor is taken, by <see cref="Owner"/> (an Appointment or a Slot). An Appointment's
/// interval lists its <see cref="Slots"/>, so its slots' intervals count as the same booking, not as a second one.
/// </summary>
public sealed record BusyInterval(TimeRange Range, string Owner, IReadOnlyList<string> Slots)
{
    public string Serialise() => $"{Range.Start.UtcTicks}|{Range.End.UtcTicks}|{Owner}|{string.Join(',', Slots)}";

    public static BusyInterval Parse(string value)
    {
        var parts = value.Split('|');
        return new BusyInterval(
            new TimeRange(new DateTimeOffset(long.Parse(parts[0]), TimeSpan.Zero), new DateTimeOffset(long.Parse(parts[1]), TimeSpan.Zero)),
            parts[2], parts[3].Length == 0 ? [] : parts[3].Split(','));
    }

    /// <summary>
    /// Whether a booking fits over <paramref name="range"/> beside the others: at every moment of it fewer than
    /// <paramref name="capacity"/> bookings other than the one <paramref name="self"/> belongs to are taking the actor.
    /// The peak at one moment counts, not every booking that overlaps somewhere (with room for two, a visit across the
    /// end of one booking and the start of the next fits). A slot belongs to the booking of an overlapping Appointment
    /// that lists it, else it is a booking of its own.
    /// </summary>
    public static bool HasRoom(IReadOnlyList<BusyInterval> intervals, TimeRange range, BusyInterval? self, int capacity)
    {
        // A new visit where one booking at a time fits ($find's test of every visit it proposes): any overlap takes it.
        if (self is null && capacity <= 1)
        {
            for (var n = 0; n < intervals.Count; n++)
                if (intervals[n].Range.Overlaps(range)) return false;
            return true;
        }
        List<BusyInterval>? overlapping = null;
        foreach (var i in intervals)
            if (i.Range.Overlaps(range) && i.Owner != self?.Owner) (overlapping ??= []).Add(i);
        if (overlapping is null) return true;

        var all = self is null ? overlapping : [.. overlapping, self];
        string BookingOf(BusyInterval i) => all.FirstOrDefault(a => a.Slots.Contains(i.Owner))?.Owner ?? i.Owner;
        var mine = self is null ? null : BookingOf(self);
        var others = overlapping.Select(i => (Booking: BookingOf(i), i.Range)).Where(o => o.Booking != mine).ToList();
        if (others.Count == 0) return true;
        if (capacity <= 1) return false;

        // A sweep over the others' starts and ends within the range; at one instant ends go first, as touching intervals do not overlap.
        var moments = others
            .SelectMany(o => new[] { (At: Max(o.Range.Start, range.Start), Step: 1, o.Booking), (At: Min(o.Range.End, range.End), Step: -1, o.Booking) })
            .OrderBy(m => m.At).ThenBy(m => m.Step);
        var active = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, step, booking) in moments)
        {
            var now = active.GetValueOrDefault(booking) + step;
            if (now == 0) active.Remove(booking);
            else active[booking] = now;
            if (active.Count >= capacity) return false;
        }
        return true;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
