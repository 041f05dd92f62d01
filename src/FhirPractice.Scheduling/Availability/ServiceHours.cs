using FhirPractice.Fhir;
using Hl7.Fhir.Model;
using NodaTime;

namespace FhirPractice.Scheduling.Availability;

/// <summary>One <c>availableTime</c>: on these days (all when empty), from <see cref="Start"/> to <see cref="End"/> local time (null: midnight after).</summary>
public sealed record ServiceTime(IReadOnlyList<IsoDayOfWeek> Days, LocalTime Start, LocalTime? End);

/// <summary>
/// When a HealthcareService is offered: its <c>availableTime</c> entries (practice zone; none means at any time) less
/// its <c>notAvailable</c> periods. A HealthcareService whose times cannot be read is a 422 naming the element.
/// </summary>
public sealed record ServiceHours(string ServiceReference, bool Active, IReadOnlyList<ServiceTime> Times, IReadOnlyList<TimeRange> NotAvailable, IReadOnlyList<Coding> Types)
{
    public static ServiceHours From(HealthcareService service, DateTimeZone zone)
    {
        var times = service.AvailableTime.Select((t, i) =>
        {
            var where = $"HealthcareService.availableTime[{i}]";
            var days = t.DaysOfWeek.OfType<DaysOfWeek>().Select(d => (IsoDayOfWeek)((int)d + 1)).ToList();
            if (t.AllDay == true) return new ServiceTime(days, LocalTime.Midnight, null);
            var start = t.AvailableStartTime is { } s ? Time(s, where + ".availableStartTime") : LocalTime.Midnight;
            var end = t.AvailableEndTime is { } e ? Time(e, where + ".availableEndTime") : (LocalTime?)null;
            return end is null || end > start ? new ServiceTime(days, start, end) : throw FhirError.Unprocessable("The available time must end after it starts", where);
        }).ToList();
        var closed = service.NotAvailable.Select(n => n.During).OfType<Hl7.Fhir.Model.Period>().Select(during => new TimeRange(
            during.StartElement is { } s ? AvailabilityRules.StartOf(s, zone) : DateTimeOffset.MinValue,
            during.EndElement is { } e ? AvailabilityRules.EndOf(e, zone) : DateTimeOffset.MaxValue)).OrderBy(c => c.Start).ToList();
        return new ServiceHours("HealthcareService/" + service.Id, service.Active ?? true, times, closed, service.Type.SelectMany(t => t.Coding).ToList());
    }

    private static LocalTime Time(string value, string where) =>
        NodaTime.Text.LocalTimePattern.ExtendedIso.Parse(value) is { Success: true } t ? t.Value : throw FhirError.Unprocessable($"'{value}' is not a time", where);
}
