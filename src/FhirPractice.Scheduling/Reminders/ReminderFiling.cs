using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Occupancy;

namespace FhirPractice.Scheduling.Reminders;

/// <summary>
/// Files a booked Appointment's reminders in its write transaction: one per <see cref="SchedulingOptions.ReminderOffsets"/>
/// offset still ahead, unless that reminder was already sent for this start.
/// </summary>
public sealed class ReminderFiling(SchedulingOptions options, TimeProvider clock)
{
    private readonly IReadOnlyList<TimeSpan> _offsets = options.ReminderOffsetList();

    internal void File(IStoreTransaction transaction, ResourceWrite write, Claims claims, List<(string, string)> owned)
    {
        if (!claims.Actors.Any(a => a.StartsWith("Patient/", StringComparison.Ordinal))) return;
        var start = claims.Interval.Range.Start;
        var now = clock.GetUtcNow();
        foreach (var offset in _offsets)
        {
            var minutes = (int)offset.TotalMinutes;
            var due = start - TimeSpan.FromMinutes(minutes);
            if (due <= now || transaction.ReadState(ReminderKeys.Sent, ReminderKeys.SentKey(write.Id, minutes, start)) is not null) continue;
            var key = ReminderKeys.DueKey(due, write.Id, minutes);
            transaction.SaveState(new StateEntry(ReminderKeys.Due, key, write.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            owned.Add((ReminderKeys.Due, key));
        }
    }
}
