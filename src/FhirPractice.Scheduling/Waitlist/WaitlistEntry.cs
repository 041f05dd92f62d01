using FhirPractice.Fhir;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;
using NodaTime;

namespace FhirPractice.Scheduling.Waitlist;

/// <summary>Times of the day a waiting patient can come, in the practice's zone.</summary>
public sealed record TimeOfDay(LocalTime Start, LocalTime End);

/// <summary>
/// A waitlist Appointment (status waitlist) read as the patient's preferences: the Schedules it waits for
/// (<c>scheduling-schedule</c> extensions) or else the Schedules of its other participants (a practitioner), the
/// service type, the date windows (<c>requestedPeriod</c>) and the times of day (<c>scheduling-time-of-day</c>, which
/// R4 has no element for). A waitlist Appointment that cannot be read so is refused with a 422 when written.
/// </summary>
public sealed record WaitlistEntry(
    string Patient,
    IReadOnlyList<string> Schedules,
    IReadOnlyList<string> Actors,
    Coding? ServiceType,
    IReadOnlyList<TimeRange> Windows,
    IReadOnlyList<TimeOfDay> TimesOfDay)
{
    public static WaitlistEntry From(Appointment appointment)
    {
        var references = appointment.Participant.Where(p => p.Status != ParticipationStatus.Declined)
            .Select(p => p.Actor?.Reference).OfType<string>().Select(Claims.Normalise).ToList();
        var patient = references.FirstOrDefault(r => r.StartsWith("Patient/", StringComparison.Ordinal))
            ?? throw FhirError.Unprocessable("A waitlist appointment needs a Patient participant", "Appointment.participant");
        var schedules = appointment.GetExtensions(SchedulingUrls.Schedule).Select(e => (e.Value as ResourceReference)?.Reference)
            .OfType<string>().Select(Claims.Normalise).ToList();
        var actors = references.Where(r => r != patient && !r.StartsWith("HealthcareService/", StringComparison.Ordinal)).ToList();
        if (schedules.Count == 0 && actors.Count == 0)
            throw FhirError.Unprocessable("A waitlist appointment names the Schedules (scheduling-schedule) or the practitioners it waits for", "Appointment.participant");
        var windows = appointment.RequestedPeriod.Select((p, i) => new TimeRange(
            p.StartElement?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.MinValue,
            p.EndElement?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.MaxValue) is { } w && w.End > w.Start
                ? w : throw FhirError.Unprocessable("A requested period must end after it starts", $"Appointment.requestedPeriod[{i}]")).ToList();
        var times = appointment.GetExtensions(SchedulingUrls.TimeOfDay).Select((e, i) =>
        {
            var where = $"Appointment.extension('{SchedulingUrls.TimeOfDay}')[{i}]";
            var start = Time(e, "start", where);
            var end = Time(e, "end", where);
            return end > start ? new TimeOfDay(start, end) : throw FhirError.Unprocessable("A time of day must end after it starts", where);
        }).ToList();
        return new WaitlistEntry(patient, schedules, actors,
            appointment.ServiceType.SelectMany(s => s.Coding).FirstOrDefault(), windows, times);
    }

    /// <summary>The parts of <paramref name="range"/> the patient can come in: inside a requested period and a time of day.</summary>
    public IReadOnlyList<TimeRange> Acceptable(TimeRange range, DateTimeZone zone)
    {
        var within = Windows.Count == 0 ? [range] : Windows.Select(w => new TimeRange(Max(w.Start, range.Start), Min(w.End, range.End))).Where(w => w.Start < w.End).ToList();
        if (TimesOfDay.Count == 0) return within;
        var result = new List<TimeRange>();
        foreach (var part in within)
            for (var day = NodaTime.Instant.FromDateTimeOffset(part.Start).InZone(zone).Date; zone.AtStartOfDay(day).ToDateTimeOffset() < part.End; day = day.PlusDays(1))
                foreach (var time in TimesOfDay)
                {
                    var local = new TimeRange(zone.AtLeniently(day + time.Start).ToDateTimeOffset(), zone.AtLeniently(day + time.End).ToDateTimeOffset());
                    var clipped = new TimeRange(Max(local.Start, part.Start), Min(local.End, part.End));
                    if (clipped.Start < clipped.End) result.Add(clipped);
                }
        return result.OrderBy(r => r.Start).ToList();
    }

    private static LocalTime Time(Extension extension, string name, string where)
    {
        var value = extension.GetExtensionValue<Time>(name)?.Value ?? throw FhirError.Unprocessable($"A time of day needs a '{name}' time", where);
        return NodaTime.Text.LocalTimePattern.ExtendedIso.Parse(value) is { Success: true } t ? t.Value : throw FhirError.Unprocessable($"'{value}' is not a time", where);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
