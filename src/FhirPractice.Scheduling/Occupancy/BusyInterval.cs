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
    /// How many bookings other than the one <paramref name="self"/> belongs to overlap <paramref name="range"/>. A slot
    /// belongs to the booking of an overlapping Appointment that lists it, else it is a booking of its own.
    /// </summary>
    public static int OtherBookings(IEnumerable<BusyInterval> intervals, TimeRange range, BusyInterval? self)
    {
        var overlapping = intervals.Where(i => i.Range.Overlaps(range) && i.Owner != self?.Owner).ToList();
        var all = self is null ? overlapping : [.. overlapping, self];
        string BookingOf(BusyInterval i) => all.FirstOrDefault(a => a.Slots.Contains(i.Owner))?.Owner ?? i.Owner;
        var mine = self is null ? null : BookingOf(self);
        return overlapping.Select(BookingOf).Where(b => b != mine).Distinct().Count();
    }
}
