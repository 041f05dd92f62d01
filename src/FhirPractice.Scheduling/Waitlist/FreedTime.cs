using FhirPractice.Scheduling.Availability;

namespace FhirPractice.Scheduling.Waitlist;

/// <summary>A time an Appointment or Slot gave up, for the actors that held it: what the waitlist may be offered.</summary>
public sealed record FreedTime(TimeRange Range, IReadOnlyList<string> Actors)
{
    public string Serialise() => $"{Range.Start.UtcTicks}|{Range.End.UtcTicks}|{string.Join(',', Actors)}";

    public static FreedTime Parse(string value)
    {
        var parts = value.Split('|');
        return new FreedTime(
            new TimeRange(new DateTimeOffset(long.Parse(parts[0]), TimeSpan.Zero), new DateTimeOffset(long.Parse(parts[1]), TimeSpan.Zero)),
            parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries));
    }
}
