using FhirPractice.Scheduling.Occupancy;

namespace FhirPractice.Scheduling.Availability;

/// <summary>One schedule as <see cref="OpenTimes"/> needs it: its rules, its open windows and what each of its actors has booked.</summary>
public sealed record ScheduleView(AvailabilityRules Rules, IReadOnlyList<TimeRange> Windows, IReadOnlyList<IReadOnlyList<BusyInterval>> Busy);

/// <summary>The start times at which every given schedule is open and free together, with each schedule's buffers free too.</summary>
public static class OpenTimes
{
    public static IEnumerable<TimeRange> Find(IReadOnlyList<ScheduleView> schedules, TimeSpan duration, TimeSpan alignment, IReadOnlyList<BusyInterval> patientBusy)
    {
        IReadOnlyList<TimeRange> windows = schedules[0].Windows;
        foreach (var schedule in schedules.Skip(1)) windows = Intersect(windows, schedule.Windows);
        foreach (var window in windows)
            for (var start = window.Start; start + duration <= window.End; start += alignment)
            {
                var visit = new TimeRange(start, start + duration);
                if (AllFree(schedules, visit) && BusyInterval.HasRoom(patientBusy, visit, null, 1)) yield return visit;
            }
    }

    // Loops, not LINQ: this runs for every visit $find considers, and a closure per visit was a measurable share of it.
    private static bool AllFree(IReadOnlyList<ScheduleView> schedules, TimeRange visit)
    {
        for (var n = 0; n < schedules.Count; n++)
            if (!IsFree(schedules[n], visit)) return false;
        return true;
    }

    /// <summary>The visit with the schedule's buffers around it, as booking claims it.</summary>
    public static TimeRange WithBuffers(AvailabilityRules rules, TimeRange visit) =>
        new(visit.Start.AddMinutes(-rules.BufferBeforeMinutes), visit.End.AddMinutes(rules.BufferAfterMinutes));

    private static bool IsFree(ScheduleView schedule, TimeRange visit)
    {
        var claimed = WithBuffers(schedule.Rules, visit);
        for (var n = 0; n < schedule.Busy.Count; n++)
            if (!BusyInterval.HasRoom(schedule.Busy[n], claimed, null, schedule.Rules.Capacity)) return false;
        return true;
    }

    /// <summary>The parts two ordered lists of ranges have in common.</summary>
    public static List<TimeRange> Intersect(IReadOnlyList<TimeRange> a, IReadOnlyList<TimeRange> b)
    {
        var result = new List<TimeRange>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var start = a[i].Start > b[j].Start ? a[i].Start : b[j].Start;
            var end = a[i].End < b[j].End ? a[i].End : b[j].End;
            if (start < end) result.Add(new TimeRange(start, end));
            if (a[i].End < b[j].End) i++; else j++;
        }
        return result;
    }
}
