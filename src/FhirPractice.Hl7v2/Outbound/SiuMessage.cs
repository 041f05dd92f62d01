using System.Globalization;
using FhirPractice.Hl7v2.Er7;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// SIU (structure SIU_S12) for one Appointment version, the IG's SCH/AIL/AIP[Appointment] tables reversed:
/// MSH, SCH, TQ1, NTE, PID (the patient participant), RGS, then per participant AIS (service types), AIG
/// (devices, services, related persons), AIL (locations), AIP (practitioners).
/// </summary>
internal static class SiuMessage
{
    /// <summary>One participant and the resource its actor reference names, when that is held here.</summary>
    public sealed record Participant(Appointment.ParticipantComponent Source, Resource? Actor);

    public static Er7Message Build(Er7Message m, Appointment appointment, Patient? patient, IReadOnlyList<Participant> participants, string serverAuthority)
    {
        var status = FillerStatus(appointment.Status);
        var (start, end) = (appointment.Start, appointment.End);
        var minutes = appointment.MinutesDuration ?? (start is { } s && end is { } e ? (int)(e - s).TotalMinutes : null);

        // SCH-1 the placer's id when the Appointment carries one; SCH-2 ours, as the scheduling (filler) application.
        if (appointment.Identifier.FirstOrDefault(i => !string.IsNullOrEmpty(i.Value)) is { } placer) V2Fields.Ei(m, "SCH-1", placer);
        m.Set("SCH-2-1", appointment.Id);
        m.Set("SCH-2-2", serverAuthority);
        V2Fields.Cwe(m, "SCH-6", appointment.CancelationReason);
        V2Fields.Cwe(m, "SCH-7", appointment.ReasonCode.FirstOrDefault());
        V2Fields.Cwe(m, "SCH-8", appointment.AppointmentType);
        if (minutes is { } duration)
        {
            m.Set("SCH-9", duration.ToString(CultureInfo.InvariantCulture));
            m.Set("SCH-10-1", "min");
            m.Set("SCH-10-3", "UCUM");
        }
        if (start is { } startAt) m.Set("SCH-11-4", V2Fields.Dtm(startAt));
        if (end is { } endAt) m.Set("SCH-11-5", V2Fields.Dtm(endAt));
        V2Fields.TableCode(m, "SCH-25", status, "HL70278");

        m.Set("TQ1-1", "1");
        if (start is { } tqStart) m.Set("TQ1-7", V2Fields.Dtm(tqStart));
        if (end is { } tqEnd) m.Set("TQ1-8", V2Fields.Dtm(tqEnd));

        var note = 0;
        foreach (var text in new[] { appointment.Description, appointment.Comment }.Where(t => !string.IsNullOrEmpty(t)))
        {
            note++;
            m.Set($"NTE({note})-1", note.ToString(CultureInfo.InvariantCulture));
            m.Set($"NTE({note})-3", text);
        }

        if (patient is not null) PidSegment.Write(m, patient, serverAuthority);

        m.Set("RGS-1", "1");
        var timing = new Timing(start, minutes, status);
        var ais = 0;
        foreach (var service in appointment.ServiceType)
        {
            ais++;
            V2Fields.Cwe(m, $"AIS({ais})-3", service);
            timing.Write(m, $"AIS({ais})", ais, startField: 4, durationField: 7, statusField: 10, null);
        }
        // SIU_S12 orders the resource groups AIS, AIG, AIL, AIP, whatever the participants' order.
        var byKind = participants.ToLookup(Kind);
        var number = 0;
        foreach (var p in byKind["AIG"])
        {
            var at = $"AIG({++number})";
            m.Set($"{at}-3-1", p.Source.Actor?.Reference ?? p.Source.Actor?.Display);
            m.Set($"{at}-3-2", p.Source.Actor?.Display);
            V2Fields.Cwe(m, $"{at}-4", p.Source.Type.FirstOrDefault());
            timing.Write(m, at, number, startField: 8, durationField: 11, statusField: 14, p.Source.Status);
        }
        number = 0;
        foreach (var p in byKind["AIL"])
        {
            // PL: point of care (the location's identifier, else its name) and, in PL-9, the description.
            var at = $"AIL({++number})";
            var location = p.Actor as Location;
            var name = location?.Name ?? p.Source.Actor?.Display;
            m.Set($"{at}-3-1", location?.Identifier.FirstOrDefault()?.Value ?? name);
            m.Set($"{at}-3-9", name);
            V2Fields.Cwe(m, $"{at}-4", p.Source.Type.FirstOrDefault() ?? location?.Type.FirstOrDefault());
            timing.Write(m, at, number, startField: 6, durationField: 9, statusField: 12, p.Source.Status);
        }
        number = 0;
        foreach (var p in byKind["AIP"])
        {
            var at = $"AIP({++number})";
            Xcn(m, $"{at}-3", p);
            V2Fields.Cwe(m, $"{at}-4", p.Source.Type.FirstOrDefault());
            timing.Write(m, at, number, startField: 6, durationField: 9, statusField: 12, p.Source.Status);
        }
        return m;
    }

    /// <summary>The segment a participant goes in, by its actor (held here) or its reference's type; the patient is the PID.</summary>
    private static string Kind(Participant p) => (p.Actor, p.Source.Actor?.Reference?.Split('/')[0]) switch
    {
        (Patient, _) or (_, "Patient") => "PID",
        (Location, _) or (_, "Location") => "AIL",
        (Practitioner or PractitionerRole, _) or (_, "Practitioner" or "PractitionerRole") => "AIP",
        _ => "AIG",
    };

    /// <summary>The appointment's start, duration and status as each resource segment repeats them (fields differ per segment).</summary>
    private sealed record Timing(DateTimeOffset? Start, int? Minutes, string? AppointmentStatus)
    {
        public void Write(Er7Message m, string segment, int setId, int startField, int durationField, int statusField, ParticipationStatus? participant)
        {
            m.Set($"{segment}-1", setId.ToString(CultureInfo.InvariantCulture));
            if (Start is { } start) m.Set($"{segment}-{startField}", V2Fields.Dtm(start));
            if (Minutes is { } minutes)
            {
                m.Set($"{segment}-{durationField}", minutes.ToString(CultureInfo.InvariantCulture));
                m.Set($"{segment}-{durationField + 1}-1", "min");
                m.Set($"{segment}-{durationField + 1}-3", "UCUM");
            }
            // A cancelled appointment cancels every resource in it; otherwise the participant's own answer (IG: AIP-12 ↔ participant.status).
            var status = AppointmentStatus == "Cancelled" ? "Cancelled" : participant switch
            {
                ParticipationStatus.Accepted => "Booked",
                ParticipationStatus.Declined => "Cancelled",
                ParticipationStatus.Tentative or ParticipationStatus.NeedsAction => "Pending",
                _ => AppointmentStatus,
            };
            V2Fields.TableCode(m, $"{segment}-{statusField}", status, "HL70278");
        }
    }

    /// <summary>Appointment.status to table 0278 (the IG's FillerStatusCodes concept map, reversed).</summary>
    private static string? FillerStatus(Appointment.AppointmentStatus? status) => status switch
    {
        Appointment.AppointmentStatus.Proposed or Appointment.AppointmentStatus.Pending => "Pending",
        Appointment.AppointmentStatus.Waitlist => "Waitlist",
        Appointment.AppointmentStatus.Booked => "Booked",
        Appointment.AppointmentStatus.Arrived or Appointment.AppointmentStatus.CheckedIn => "Started",
        Appointment.AppointmentStatus.Fulfilled => "Complete",
        Appointment.AppointmentStatus.Cancelled => "Cancelled",
        Appointment.AppointmentStatus.Noshow => "Noshow",
        Appointment.AppointmentStatus.EnteredInError => "Deleted",
        _ => null,
    };

    /// <summary>EI: entity id^namespace^universal id^type, the namespace from the system.</summary>
    /// <summary>XCN: id^family^given^further given^suffix^prefix, from the practitioner when held here, else the reference's display.</summary>
    private static void Xcn(Er7Message m, string at, Participant p)
    {
        var name = (p.Actor as Practitioner)?.Name.FirstOrDefault();
        m.Set($"{at}-1", (p.Actor as Practitioner)?.Identifier.FirstOrDefault()?.Value ?? p.Actor?.Id);
        if (name is null)
        {
            m.Set($"{at}-2", p.Source.Actor?.Display);
            return;
        }
        m.Set($"{at}-2", name.Family);
        var given = name.Given.ToList();
        m.Set($"{at}-3", given.FirstOrDefault());
        m.Set($"{at}-4", given.Count > 1 ? string.Join(' ', given.Skip(1)) : null);
        m.Set($"{at}-5", name.Suffix.FirstOrDefault());
        m.Set($"{at}-6", name.Prefix.FirstOrDefault());
    }
}
