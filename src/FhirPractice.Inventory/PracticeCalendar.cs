namespace FhirPractice.Inventory;

/// <summary>
/// The practice's days: a lot's expiry date, "as of" a date and "today" are days where the practice is, not in UTC
/// (a lot that expires on 1 March may still be used at 8 pm on 1 March in New York, when it is already 2 March in UTC).
/// </summary>
public sealed class PracticeCalendar(TimeZoneInfo zone)
{
    public static readonly PracticeCalendar Utc = new(TimeZoneInfo.Utc);

    /// <summary>The practice's date at <paramref name="instant"/>.</summary>
    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The last instant of the practice's <paramref name="day"/>.</summary>
    public DateTimeOffset EndOf(DateOnly day)
    {
        var next = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        // Midnight can fall in a gap of a daylight-saving change in a few zones; the day then ends at the gap's end.
        while (zone.IsInvalidTime(next)) next = next.AddMinutes(1);
        return new DateTimeOffset(next, zone.GetUtcOffset(next)).AddTicks(-1).ToUniversalTime();
    }
}
