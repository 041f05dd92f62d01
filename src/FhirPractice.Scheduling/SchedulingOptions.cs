namespace FhirPractice.Scheduling;

/// <summary>Settings of the scheduling module (<c>FhirPractice:Scheduling</c>).</summary>
public sealed class SchedulingOptions
{
    /// <summary>How long a <c>$hold</c> keeps its time before it frees itself.</summary>
    public TimeSpan HoldDuration { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>How often the background sweeper looks for expired holds.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>A cancellation this close to the start (or later) is flagged as late.</summary>
    public TimeSpan LateCancelWindow { get; set; } = TimeSpan.FromHours(24);
    /// <summary>A booked appointment not checked in this long after its start becomes a no-show; null: only staff mark no-shows.</summary>
    public TimeSpan? NoShowGrace { get; set; }
    /// <summary>The most occurrences one recurring <c>$book</c> may create.</summary>
    public int MaxSeriesOccurrences { get; set; } = 52;
    /// <summary>The visit length when neither the request's service type nor the schedule names one.</summary>
    public int DefaultVisitMinutes { get; set; } = 15;
    /// <summary>The longest date range one <c>$find</c> may cover.</summary>
    public int MaxFindDays { get; set; } = 62;
    /// <summary>The most proposals one <c>$find</c> answers with (its <c>_count</c> may ask for fewer).</summary>
    public int MaxFindResults { get; set; } = 500;
    /// <summary>How long before the start reminders are sent (an array, so configuration replaces it); empty: no reminders.</summary>
    public TimeSpan[] ReminderOffsets { get; set; } = [TimeSpan.FromHours(72), TimeSpan.FromHours(24), TimeSpan.FromHours(2)];
    /// <summary>The file the default reminder sender appends to; the server puts it beside the database.</summary>
    public string? ReminderFile { get; set; }
    /// <summary>How long a waitlist offer (a hold) waits for the patient before the next one is offered; null: <see cref="HoldDuration"/>.</summary>
    public TimeSpan? OfferDuration { get; set; }
}
