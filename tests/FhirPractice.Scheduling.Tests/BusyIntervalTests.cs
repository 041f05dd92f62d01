using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;

namespace FhirPractice.Scheduling.Tests;

/// <summary>How bookings are counted against a capacity: an Appointment and the Slots it lists are one booking, and the peak at one moment counts.</summary>
public sealed class BusyIntervalTests
{
    private static readonly DateTimeOffset Nine = new(2025, 6, 10, 13, 0, 0, TimeSpan.Zero);

    private static BusyInterval At(int fromMinutes, int toMinutes, string owner, params string[] slots) =>
        new(new TimeRange(Nine.AddMinutes(fromMinutes), Nine.AddMinutes(toMinutes)), owner, slots);

    private static TimeRange Minutes(int from, int to) => new(Nine.AddMinutes(from), Nine.AddMinutes(to));

    [Fact]
    public void An_appointment_and_its_slots_count_once_and_touching_intervals_do_not_overlap()
    {
        var existing = new[] { At(0, 30, "Appointment/a", "Slot/1"), At(0, 30, "Slot/1"), At(30, 60, "Appointment/b") };

        Assert.False(BusyInterval.HasRoom(existing, Minutes(0, 30), null, 1));
        Assert.True(BusyInterval.HasRoom(existing, Minutes(0, 30), null, 2));
        Assert.True(BusyInterval.HasRoom(existing, Minutes(60, 90), null, 1));
        Assert.True(BusyInterval.HasRoom(existing, Minutes(-30, 0), null, 1));
    }

    [Fact]
    public void The_peak_at_one_moment_counts_not_every_booking_that_overlaps_somewhere()
    {
        var existing = new[] { At(0, 30, "Appointment/a"), At(30, 60, "Appointment/b") };

        // 9:15–9:45 meets a, then b: never two at once.
        Assert.True(BusyInterval.HasRoom(existing, Minutes(15, 45), null, 2));
        Assert.False(BusyInterval.HasRoom(existing, Minutes(15, 45), null, 1));

        var withC = existing.Append(At(15, 45, "Appointment/c")).ToList();
        // a and c overlap 9:15–9:30, c and b 9:30–9:45: a fourth booking across them would make three.
        Assert.False(BusyInterval.HasRoom(withC, Minutes(20, 40), null, 2));
        Assert.True(BusyInterval.HasRoom(withC, Minutes(20, 40), null, 3));
        // Outside c's time only one other booking at a time remains.
        Assert.True(BusyInterval.HasRoom(withC, Minutes(45, 60), null, 2));
    }

    [Fact]
    public void A_booking_is_counted_once_at_a_moment_however_many_of_its_intervals_cover_it()
    {
        // One Appointment whose Slots overlap each other (a visit and its buffer claimed by two Schedules of one actor).
        var existing = new[] { At(0, 30, "Appointment/a", "Slot/1", "Slot/2"), At(0, 20, "Slot/1"), At(10, 30, "Slot/2"), At(0, 30, "Appointment/b") };

        Assert.True(BusyInterval.HasRoom(existing, Minutes(0, 30), null, 3));
        Assert.False(BusyInterval.HasRoom(existing, Minutes(0, 30), null, 2));
    }

    [Fact]
    public void A_new_slot_belongs_to_the_appointment_that_lists_it()
    {
        var existing = new[] { At(0, 30, "Appointment/a", "Slot/1"), At(0, 30, "Appointment/c") };

        Assert.True(BusyInterval.HasRoom(existing, Minutes(0, 30), At(0, 30, "Slot/1"), 2));
        Assert.False(BusyInterval.HasRoom(existing, Minutes(0, 30), At(0, 30, "Slot/9"), 2));
        Assert.True(BusyInterval.HasRoom(existing, Minutes(0, 30), At(0, 30, "Slot/9"), 3));
    }

    [Fact]
    public void Serialised_intervals_read_back_the_same_and_span_every_day_they_touch()
    {
        var interval = At(-60 * 13, 60 * 24, "Appointment/long", "Slot/1", "Slot/2");

        var back = BusyInterval.Parse(interval.Serialise());

        Assert.Equal(interval.Range, back.Range);
        Assert.Equal(interval.Owner, back.Owner);
        Assert.Equal(interval.Slots, back.Slots);
        Assert.Equal(2, OccupancyKeys.BusyKeys("Practitioner/p", interval).Count());
        Assert.Single(OccupancyKeys.BusyKeys("Practitioner/p", At(0, 30, "Appointment/a")));
    }
}
