namespace FhirPractice.Scheduling;

/// <summary>The extensions the scheduling module reads and writes (Schedule rules, Appointment workflow marks).</summary>
public static class SchedulingUrls
{
    private const string Base = "http://fhirpractice.org/fhir/StructureDefinition/scheduling-";

    /// <summary>Schedule: weekly hours — complex, with <c>rrule</c> (string, RFC 5545 RRULE over days), <c>start</c> and <c>end</c> (time, practice zone).</summary>
    public const string Availability = Base + "availability";
    /// <summary>Schedule: a closed Period (holiday, leave), repeating.</summary>
    public const string Exception = Base + "exception";
    /// <summary>Schedule: complex, <c>serviceType</c> (Coding, absent for the default) and <c>minutes</c> (positiveInt).</summary>
    public const string VisitDuration = Base + "visit-duration";
    public const string BufferBefore = Base + "buffer-before-minutes";
    public const string BufferAfter = Base + "buffer-after-minutes";
    /// <summary>Schedule: start times fall on this grid of minutes from the start of each window (default: the visit length).</summary>
    public const string Alignment = Base + "alignment-minutes";
    /// <summary>Schedule: how many bookings its actors take at the same time (group visits); default 1.</summary>
    public const string Capacity = Base + "capacity";

    /// <summary>Appointment (from $find, to $hold/$book/$reschedule): the Schedules the time is taken from, repeating.</summary>
    public const string Schedule = Base + "schedule";
    /// <summary>Appointment: when a hold (status pending) frees itself.</summary>
    public const string HoldExpires = Base + "hold-expires";
    /// <summary>Appointment: cancelled inside the late-cancel window.</summary>
    public const string LateCancel = Base + "late-cancel";
    /// <summary>Appointment: the series a recurring $book created it in (the same string on every occurrence).</summary>
    public const string Series = Base + "series";
    /// <summary>Waitlist Appointment: a time of day the patient can come — complex, <c>start</c> and <c>end</c> (time, practice zone), repeating.</summary>
    public const string TimeOfDay = Base + "time-of-day";
    /// <summary>Appointment (a hold offered from the waitlist): the waitlist Appointment it is offered to.</summary>
    public const string WaitlistEntry = Base + "waitlist-entry";
    /// <summary>R5's Appointment.replaces as an R4 cross-version extension.</summary>
    public const string Replaces = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.replaces";
}
