using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>SCH with its AIS, AIG, AIL and AIP to Appointment and its Slot (IG SCH[Appointment], AIS/AIG/AIL/AIP[Appointment]).</summary>
internal static class AppointmentMapping
{
    // IG concept map FillerStatusCodes[Appointment] (HL7 table 0278).
    private static readonly Dictionary<string, Appointment.AppointmentStatus> FillerStatuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Pending"] = Appointment.AppointmentStatus.Pending, ["Waitlist"] = Appointment.AppointmentStatus.Waitlist,
        ["Booked"] = Appointment.AppointmentStatus.Booked, ["Started"] = Appointment.AppointmentStatus.CheckedIn,
        ["Complete"] = Appointment.AppointmentStatus.Fulfilled, ["Cancelled"] = Appointment.AppointmentStatus.Cancelled,
        ["Deleted"] = Appointment.AppointmentStatus.EnteredInError, ["Noshow"] = Appointment.AppointmentStatus.Noshow,
        ["Overbook"] = Appointment.AppointmentStatus.Booked,
    };

    /// <summary>
    /// The Appointment of an SCH, matched by the filler appointment id (SCH-2), else the placer's (SCH-1).
    /// The status comes from the trigger: S15 (cancelled) and S16 (discontinued) cancelled, S17 (deleted)
    /// entered-in-error and S26 noshow whatever SCH-25 says; S12 (new), S13
    /// (rescheduled) and S14 (modified) take SCH-25, booked when it is empty — FHIR has no "rescheduled" or
    /// "modified" status: a reschedule is a booked appointment at its new time. A Slot (busy, or free once
    /// cancelled) on the Schedule of the first place, person or resource named holds the time.
    /// </summary>
    public static ResourceReference Map(V2Segment sch, MappingContext context, string trigger)
    {
        var dates = context.Dates;
        var filler = Identifiers.FromEi(sch.Field(2), context);                                   // SCH-2
        var placer = Identifiers.FromEi(sch.Field(1), context);                                   // SCH-1
        if (filler is null && placer is null) throw V2Segment.RequiredFieldMissing(sch.At(2), "Filler Appointment ID (or SCH-1 Placer Appointment ID)");
        if (filler is not null) { filler.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "FILL"); }
        if (placer is not null) { placer.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "PLAC"); }

        var appointment = new Appointment
        {
            Identifier = new[] { filler, placer }.OfType<Identifier>().ToList(),
            AppointmentType = Codes.FromCwe(sch.Field(8), Codes.V2Table("0277")),                 // SCH-8
            Status = trigger switch
            {
                "S15" or "S16" => Appointment.AppointmentStatus.Cancelled,                      // cancelled, discontinued
                "S17" => Appointment.AppointmentStatus.EnteredInError,                          // deleted (IG FillerStatus Deleted): kept, never erased
                "S26" => Appointment.AppointmentStatus.Noshow,
                _ => sch[25] is { } status && FillerStatuses.TryGetValue(status, out var s) ? s : Appointment.AppointmentStatus.Booked, // SCH-25
            },
        };
        if (Codes.FromCwe(sch.Field(7), Codes.V2Table("0276")) is { } reason) appointment.ReasonCode.Add(reason); // SCH-7
        if (trigger is "S15" or "S16" && Codes.FromCwe(sch.Field(6)) is { } cancelReason) appointment.CancelationReason = cancelReason; // SCH-6
        appointment.Participant.Add(Participant(context.Patient));

        // The time: TQ1-7/8 (v2.5+), else SCH-11 TQ.4/5; the duration SCH-9/10, else that of a resource segment.
        var tq1 = context.First("TQ1");
        var start = dates.Instant(tq1?.Field(7)) ?? dates.Instant(sch.Field(11), 4);             // TQ1-7, SCH-11.4
        var end = dates.Instant(tq1?.Field(8)) ?? dates.Instant(sch.Field(11), 5);               // TQ1-8, SCH-11.5
        var minutes = Minutes(sch, 9);                                                   // SCH-9, SCH-10

        ResourceReference? scheduleActor = null;
        foreach (var ais in context.All("AIS"))
        {
            if (Codes.FromCwe(ais.Field(3)) is { } service) appointment.ServiceType.Add(service); // AIS-3
            start ??= dates.Instant(ais.Field(4));                                                // AIS-4
            minutes ??= Minutes(ais, 7);                                                  // AIS-7, AIS-8
        }
        foreach (var aig in context.All("AIG"))                                                   // AIG-3: a resource named by code, no record of it here
            if (aig.Field(3) is { } resource && (resource[2] ?? resource[1]) is { } name)
            {
                var who = new ResourceReference { Display = name };
                appointment.Participant.Add(Participant(who, Codes.FromCwe(aig.Field(4))));      // AIG-4
                start ??= dates.Instant(aig.Field(8));                                            // AIG-8
                minutes ??= Minutes(aig, 11);
            }
        foreach (var ail in context.All("AIL"))
            if (Locations.Reference(ail.Field(3), context) is { } place)                          // AIL-3
            {
                appointment.Participant.Add(Participant(place, Codes.FromCwe(ail.Field(4))));     // AIL-4
                scheduleActor ??= place;
                start ??= dates.Instant(ail.Field(6));                                            // AIL-6
                minutes ??= Minutes(ail, 9);
            }
        foreach (var aip in context.All("AIP"))
            foreach (var xcn in aip.Repetitions(3))
                if (Practitioners.Reference(xcn, context) is { } person)                          // AIP-3
                {
                    appointment.Participant.Add(Participant(person, Codes.FromCwe(aip.Field(4)))); // AIP-4
                    scheduleActor ??= person.Reference is null ? null : person;
                    start ??= dates.Instant(aip.Field(6));                                        // AIP-6
                    minutes ??= Minutes(aip, 9);
                }

        if (start is not null && end is null && minutes is not null) end = new Instant(start.Value!.Value.AddMinutes(minutes.Value));
        appointment.StartElement = start;
        appointment.EndElement = end;
        if (minutes is not null) appointment.MinutesDuration = minutes;
        if (start is null || end is null)
        {
            // Appointment invariant app-3: only a proposed, cancelled or waitlisted appointment may lack its times.
            if (appointment.Status is not (Appointment.AppointmentStatus.Cancelled or Appointment.AppointmentStatus.Waitlist or Appointment.AppointmentStatus.EnteredInError))
                appointment.Status = Appointment.AppointmentStatus.Proposed;
            context.Warn(sch.At(11), "the appointment has no start and end time (TQ1-7/8, SCH-11, SCH-9/10 or a resource's start and duration)");
        }

        var identifier = filler ?? placer!;
        var reference = context.Transaction.PutByIdentifier(appointment, identifier);
        if (start is not null && end is not null)
            appointment.Slot.Add(BookSlot(identifier, scheduleActor, start, end, appointment.Status, context));
        return reference;
    }

    private static ResourceReference BookSlot(Identifier appointment, ResourceReference? actor, Instant start, Instant end,
        Appointment.AppointmentStatus? status, MappingContext context)
    {
        actor ??= new ResourceReference { Display = "unspecified resource" };
        var schedule = new Schedule { Active = true, Actor = [actor] };
        var scheduleReference = context.Transaction.PutByKey(schedule, Identifiers.SystemOf(context.Sender, context.Options), actor.Reference is null ? actor.Display : context.Transaction.Url(actor));
        var slot = new Slot
        {
            Schedule = scheduleReference,
            Status = status is Appointment.AppointmentStatus.Cancelled or Appointment.AppointmentStatus.Noshow or Appointment.AppointmentStatus.EnteredInError
                ? Slot.SlotStatus.Free : Slot.SlotStatus.Busy,
            StartElement = start,
            EndElement = end,
        };
        return context.Transaction.PutByKey(slot, appointment.System, appointment.Value);
    }

    private static Appointment.ParticipantComponent Participant(ResourceReference who, CodeableConcept? role = null)
    {
        var participant = new Appointment.ParticipantComponent { Actor = who, Status = ParticipationStatus.Accepted };
        if (role is not null) participant.Type.Add(role);
        return participant;
    }

    // Duration units (CNE, HL7 table "ISO+"/UCUM): minutes, hours, seconds, days.
    /// <summary>A duration (the amount in <paramref name="field"/>, its unit in the next field) in minutes; null when there is none.</summary>
    private static int? Minutes(V2Segment segment, int field)
    {
        if (!decimal.TryParse(segment[field], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var n)) return null;
        var factor = segment[field + 1]?.ToLowerInvariant() switch
        {
            "s" or "sec" or "seconds" => 1m / 60, "h" or "hr" or "hours" => 60, "d" or "days" => 1440, _ => 1,
        };
        return Durations.Minutes(n * factor, segment.At(field));
    }
}
