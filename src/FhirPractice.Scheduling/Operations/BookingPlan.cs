using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// A requested Appointment checked against its Schedules' rules (start and end inside their hours, a patient), and
/// the Slots booking it takes: one per Schedule for the visit and one for each buffer before and after. Whether the
/// time is free is decided by the occupancy check in the write transaction; <see cref="RefuseTakenAsync"/> only spares
/// the writer a booking of a time already taken.
/// </summary>
internal sealed class BookingPlan
{
    public required Appointment Appointment { get; init; }
    public required IReadOnlyList<Slot> Slots { get; init; }

    /// <summary>What the booking takes, as the occupancy check will claim it: each participant over the visit, each Schedule's actors over its Slots.</summary>
    public required IReadOnlyList<(string Actor, TimeRange Range)> Takes { get; init; }

    /// <summary>A 409 when the time is already taken as last committed (see <see cref="TakenTime"/>).</summary>
    public System.Threading.Tasks.Task RefuseTakenAsync(OccupancyReader occupancy, IResourceStore store, CancellationToken ct) => TakenTime.RefuseAsync(occupancy, store, Takes, ct);

    public static async Task<BookingPlan> CreateAsync(FhirEngine engine, ScheduleRules schedules, Appointment requested, Slot.SlotStatus slotStatus, DateTimeOffset now, CancellationToken ct)
    {
        if (requested.Start is not { } start || requested.End is not { } end)
            throw FhirError.Unprocessable("The appointment needs a start and an end (take one $find proposed)", "Appointment.start");
        if (end <= start) throw FhirError.Unprocessable("The appointment must end after it starts", "Appointment.end");
        var references = requested.GetExtensions(SchedulingUrls.Schedule).Select(e => (e.Value as ResourceReference)?.Reference).OfType<string>().ToList();
        var rules = await schedules.LoadAsync(engine.Store, references, $"Appointment.extension('{SchedulingUrls.Schedule}')", ct);
        var visit = new TimeRange(start, end);
        foreach (var rule in rules)
            if (!schedules.Calculator.IsOpen(rule, visit))
                throw FhirError.Unprocessable($"{rule.ScheduleReference} is not open for the whole of {start:O} to {end:O}", "Appointment.start");
        if (!requested.Participant.Any(p => p.Actor?.Reference is { } a && Claims.Normalise(a).StartsWith("Patient/", StringComparison.Ordinal)))
            throw FhirError.Unprocessable("The appointment needs a Patient participant", "Appointment.participant");

        var appointment = (Appointment)requested.DeepCopy();
        appointment.Id = null;
        appointment.Meta = null;
        appointment.Slot.Clear();
        appointment.MinutesDuration = (int)(end - start).TotalMinutes;
        appointment.Created ??= new FhirDateTime(now.ToUniversalTime()).Value;
        foreach (var actor in rules.SelectMany(r => r.Actors))
            if (!appointment.Participant.Any(p => p.Actor?.Reference is { } a && Claims.Normalise(a) == actor))
                appointment.Participant.Add(FindOperation.Participant(actor));
        var slots = new List<Slot>();
        var takes = Claims.ActorsOf(appointment).Select(actor => (actor, visit)).ToList();
        foreach (var rule in rules)
        {
            var schedule = new ResourceReference(rule.ScheduleReference);
            var ofRule = new List<Slot>();
            if (rule.BufferBeforeMinutes > 0) ofRule.Add(NewSlot(schedule, start.AddMinutes(-rule.BufferBeforeMinutes), start, slotStatus, "buffer before"));
            ofRule.Add(NewSlot(schedule, start, end, slotStatus, null));
            if (rule.BufferAfterMinutes > 0) ofRule.Add(NewSlot(schedule, end, end.AddMinutes(rule.BufferAfterMinutes), slotStatus, "buffer after"));
            foreach (var slot in ofRule)
                takes.AddRange(ScheduleRules.ActorsOf(rule).Select(actor => (actor, new TimeRange(slot.Start!.Value, slot.End!.Value))));
            slots.AddRange(ofRule);
        }
        return new BookingPlan { Appointment = appointment, Slots = slots, Takes = takes.Distinct().ToList() };
    }

    /// <summary>The Appointment's fullUrl in the transaction <see cref="Entries"/> made.</summary>
    public string AppointmentFullUrl { get; private set; } = "";

    /// <summary>The plan as transaction entries: the Appointment and its Slots created (POST, urn:uuid).</summary>
    public List<Bundle.EntryComponent> Entries()
    {
        var slotUrls = Slots.Select(_ => "urn:uuid:" + Guid.NewGuid()).ToList();
        Appointment.Slot = slotUrls.Select(u => new ResourceReference(u)).ToList();
        var entries = new List<Bundle.EntryComponent> { EngineCalls.Post(Appointment, AppointmentFullUrl = "urn:uuid:" + Guid.NewGuid()) };
        entries.AddRange(Slots.Select((s, i) => EngineCalls.Post(s, slotUrls[i])));
        return entries;
    }

    private static Slot NewSlot(ResourceReference schedule, DateTimeOffset start, DateTimeOffset end, Slot.SlotStatus status, string? comment) => new()
    {
        Schedule = schedule,
        Status = status,
        Start = start.ToUniversalTime(),
        End = end.ToUniversalTime(),
        Comment = comment,
    };
}
