namespace FhirPractice.Scheduling.Waitlist;

/// <summary>
/// Where the waitlist lives in module state. Waiting entries are filed in the order they are offered times
/// (priority, then creation); freed times are queued by the transaction that freed them; each offer leaves a mark
/// so the same time is never offered twice to one entry (until it closes), and an open offer keeps its entry from a second one.
/// </summary>
public static class WaitlistKeys
{
    public const string Waiting = "scheduling.waitlist";
    public const string Freed = "scheduling.freed";
    public const string Offered = "scheduling.offered";
    public const string OpenOffer = "scheduling.offer-open";

    /// <summary>R4 priority: 1 highest, 9 lowest, 0 or none unset (after all the others).</summary>
    public static string WaitingKey(int? priority, DateTimeOffset created, string appointmentId) =>
        $"{(priority is > 0 ? priority.Value : 99):D2}|{created.UtcTicks:D19}|{appointmentId}";

    public static string IdOfWaiting(string key) => key[(key.LastIndexOf('|') + 1)..];

    /// <summary>A freed time, filed by the commit instant that freed it (then its owner, for uniqueness).</summary>
    public static string FreedKey(DateTimeOffset at, string owner) => $"{at.UtcTicks:D19}|{owner}";

    public static string OfferedKey(string waitlistId, DateTimeOffset start) => $"{OfferedKey(waitlistId)}{start.UtcTicks:D19}";

    /// <summary>The start of every mark of times offered to the entry.</summary>
    public static string OfferedKey(string waitlistId) => $"{waitlistId}|";
}
