namespace FhirPractice.Scheduling.Reminders;

/// <summary>
/// Where reminders live in module state: the due ones by due instant (owned by their Appointment's version, so a
/// cancel or a move takes them away), the sent ones for good (so a rewrite of the Appointment does not file them
/// again), and the replies waiting to be applied.
/// </summary>
public static class ReminderKeys
{
    public const string Due = "scheduling.reminder";
    public const string Sent = "scheduling.reminder-sent";
    public const string Reply = "scheduling.reply";

    /// <summary>The identifier system of reminder Communications; the value is the <see cref="SentKey"/>.</summary>
    public const string IdentifierSystem = "http://fhirpractice.org/fhir/sid/scheduling-reminder";

    public static string DueKey(DateTimeOffset due, string appointmentId, int offsetMinutes) => $"{due.UtcTicks:D19}|{appointmentId}|{offsetMinutes}";

    /// <summary>One reminder of one appointment at one start: a moved appointment is reminded again.</summary>
    public static string SentKey(string appointmentId, int offsetMinutes, DateTimeOffset start) => $"{appointmentId}|{offsetMinutes}|{start.UtcTicks}";

    /// <summary>The due key a sent key (a reminder Communication's identifier) was filed under, or null when it is not one.</summary>
    public static string? DueKeyOf(string sentKey) =>
        ReadSentKey(sentKey) is var (appointmentId, offset, start) && start.UtcTicks - offset * TimeSpan.TicksPerMinute is > 0 and var due
            ? DueKey(new DateTimeOffset(due, TimeSpan.Zero), appointmentId, offset)
            : null;

    /// <summary>What a sent key names, or null when it is not one.</summary>
    public static (string AppointmentId, int OffsetMinutes, DateTimeOffset Start)? ReadSentKey(string sentKey)
    {
        var parts = sentKey.Split('|');
        return parts.Length == 3 && int.TryParse(parts[1], out var offset) && long.TryParse(parts[2], out var start)
            && start >= 0 && start <= DateTimeOffset.MaxValue.UtcTicks
            ? (parts[0], offset, new DateTimeOffset(start, TimeSpan.Zero))
            : null;
    }

    public static string ReplyKey(DateTimeOffset at, string communicationId) => $"{at.UtcTicks:D19}|{communicationId}";
}
