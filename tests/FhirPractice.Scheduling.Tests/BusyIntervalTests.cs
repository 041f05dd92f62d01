using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;

namespace FhirPractice.Scheduling.Tests;

/// <summary>How bookings are counted against a capacity: an Appointment and the Slots it lists are one booking.</summary>
public sealed class BusyIntervalTests
{
    private static readonly DateTimeOffset Nine = new(2025, 6, 10, 13, 0, 0, TimeSpan.Zero);

    private static BusyInterval At(int fromMinutes, int toMinutes, string owner, params string[] slots) =>
        new(new TimeRange(Nine.AddMinutes(fromMinutes), Nine.AddMinutes(toMinutes)), owner, slots);

    [Fact]
    public void An_appointment_and_its_slots_count_once_and_touching_intervals_do_not_overlap()
    {
        var existing = new[] { At(0, 30, "Appointment/a", "Slot/1"), At(0, 30, "Slot/1"), At(30, 60, "Appointment/b") };

        Assert.Equal(1, BusyInterval.OtherBookings(existing, new TimeRange(Nine, Nine.AddMinutes(30)), null));
        Assert.Equal(2, BusyInterval.OtherBookings(existing, new TimeRange(Nine.AddMinutes(15), Nine.AddMinutes(45)), null));
        Assert.Equal(0, BusyInterval.OtherBookings(existing, new TimeRange(Nine.AddMinutes(60), Nine.AddMinutes(90)), null));
    }

    [Fact]
    public void A_new_slot_belongs_to_the_appointment_that_lists_it()
    {
        var existing = new[] { At(0, 30, "Appointment/a", "Slot/1"), At(0, 30, "Appointment/c") };

        Assert.Equal(1, BusyInterval.OtherBookings(existing, new TimeRange(Nine, Nine.AddMinutes(30)), At(0, 30, "Slot/1")));
        Assert.Equal(2, BusyInterval.OtherBookings(existing, new TimeRange(Nine, Nine.AddMinutes(30)), At(0, 30, "Slot/9")));
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
