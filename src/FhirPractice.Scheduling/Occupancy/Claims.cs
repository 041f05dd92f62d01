using System.Text.Json;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// What one stored Appointment or Slot version takes: which actors, for which interval. Read from the resource the
/// engine prepared (<see cref="ResourceWrite.Parsed"/>), so the single writer does not parse the version again.
/// </summary>
/// <param name="Actors">For an Appointment its participants (not declined, not a HealthcareService); for a Slot the actors of its Schedule.</param>
/// <param name="AwaitsArrival">A booked Appointment: it becomes a no-show when nobody checks it in.</param>
/// <param name="OfferedTo">A hold offered from the waitlist: the id of the waitlist Appointment it is offered to.</param>
public sealed record Claims(BusyInterval Interval, IReadOnlyList<string> Actors, bool Overbooked, DateTimeOffset? HoldExpires, bool AwaitsArrival = false, string? OfferedTo = null)
{
    /// <summary>Appointment statuses that take time: R4's proposed, cancelled, noshow, entered-in-error and waitlist do not.</summary>
    private static readonly HashSet<Appointment.AppointmentStatus> TakingAppointment =
    [
        Appointment.AppointmentStatus.Pending, Appointment.AppointmentStatus.Booked, Appointment.AppointmentStatus.Arrived,
        Appointment.AppointmentStatus.Fulfilled, Appointment.AppointmentStatus.CheckedIn,
    ];
    private static readonly HashSet<Slot.SlotStatus> TakingSlot = [Slot.SlotStatus.Busy, Slot.SlotStatus.BusyTentative, Slot.SlotStatus.BusyUnavailable];

    /// <summary>The claims of a version, or null when it takes no time (its status, or no start and end).</summary>
    /// <param name="scheduleActors">The actors of a Schedule, read in the same transaction.</param>
    public static Claims? Read(ResourceWrite write, Func<string, IReadOnlyList<string>> scheduleActors)
    {
        var owner = $"{write.Type}/{write.Id}";
        switch (write.Resource())
        {
            case Slot slot:
            {
                if (Range(slot.Start, slot.End, "Slot") is not { } range || slot.Status is not { } status || !TakingSlot.Contains(status)) return null;
                if (ReferenceOf(slot.Schedule) is not { } schedule) return null;
                var actors = scheduleActors(schedule);
                return new Claims(new BusyInterval(range, owner, []), actors.Count > 0 ? actors : [schedule], slot.Overbooked == true, null);
            }
            case Appointment appointment:
            {
                if (Range(appointment.Start, appointment.End, "Appointment") is not { } range
                    || appointment.Status is not { } status || !TakingAppointment.Contains(status)) return null;
                var participants = ActorsOf(appointment);
                var slots = appointment.Slot.Select(ReferenceOf).OfType<string>().ToList();
                var pending = status == Appointment.AppointmentStatus.Pending;
                var offeredTo = pending && ReferenceOf(appointment.GetExtensionValue<ResourceReference>(SchedulingUrls.WaitlistEntry)) is { } entry
                    && entry.StartsWith("Appointment/", StringComparison.Ordinal) ? entry["Appointment/".Length..] : null;
                return new Claims(new BusyInterval(range, owner, slots), participants, false,
                    pending ? appointment.GetExtensionValue<Instant>(SchedulingUrls.HoldExpires)?.Value : null,
                    status == Appointment.AppointmentStatus.Booked, offeredTo);
            }
            default:
                return null;
        }
    }

    /// <summary>The actors an Appointment takes: its participants that have not declined, but not a HealthcareService (a service is no one's time).</summary>
    public static IReadOnlyList<string> ActorsOf(Appointment appointment) => appointment.Participant
        .Where(p => p.Status != ParticipationStatus.Declined)
        .Select(p => ReferenceOf(p.Actor)).OfType<string>()
        .Where(r => !r.StartsWith("HealthcareService/", StringComparison.Ordinal))
        .Distinct().ToList();

    /// <summary>The interval from start to end, null without both; one that does not end after it starts is a 422.</summary>
    private static TimeRange? Range(DateTimeOffset? start, DateTimeOffset? end, string type)
    {
        if (start is not { } from || end is not { } to) return null;
        if (to <= from) throw FhirError.Unprocessable($"The {type} must end after it starts", type + ".end");
        return new TimeRange(from, to);
    }

    /// <summary>The actors of a stored Schedule version.</summary>
    public static IReadOnlyList<string> ScheduleActors(ReadOnlyMemory<byte> scheduleJson)
    {
        using var document = JsonDocument.Parse(scheduleJson);
        return document.RootElement.TryGetProperty("actor", out var actors)
            ? actors.EnumerateArray().Select(ReferenceOf).OfType<string>().ToList()
            : [];
    }

    /// <summary>"Type/id" of a local reference, absolute or relative, without a version.</summary>
    public static string Normalise(string reference)
    {
        var withoutVersion = reference.Split("/_history/")[0];
        var parts = withoutVersion.Split('/');
        return parts.Length >= 2 ? $"{parts[^2]}/{parts[^1]}" : withoutVersion;
    }

    private static string? ReferenceOf(JsonElement element) =>
        element.TryGetProperty("reference", out var r) && r.GetString() is { Length: > 0 } s ? Normalise(s) : null;

    private static string? ReferenceOf(ResourceReference? reference) => reference?.Reference is { Length: > 0 } r ? Normalise(r) : null;
}
