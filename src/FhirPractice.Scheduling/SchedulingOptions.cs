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
    /// <summary>
    /// How long before the start reminders are sent: comma-separated TimeSpans (one string, since configuration binding
    /// appends to a collection's defaults instead of replacing them); empty: no reminders.
    /// </summary>
    public string ReminderOffsets { get; set; } = "3.00:00:00,1.00:00:00,02:00:00";
    /// <summary>The file the default reminder sender appends to; the server puts it beside the database.</summary>
    public string? ReminderFile { get; set; }
    /// <summary>How long a waitlist offer (a hold) waits for the patient before the next one is offered; null: <see cref="HoldDuration"/>.</summary>
    public TimeSpan? OfferDuration { get; set; }
    /// <summary>How many stored versions one write transaction of the occupancy backfill files.</summary>
    public int BackfillBatchSize { get; set; } = 500;

    /// <summary>The <see cref="ReminderOffsets"/>, distinct; a value that is not a positive TimeSpan is an <see cref="ArgumentException"/>.</summary>
    public IReadOnlyList<TimeSpan> ReminderOffsetList() =>
        ReminderOffsets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(o =>
            TimeSpan.TryParse(o, System.Globalization.CultureInfo.InvariantCulture, out var offset) && offset > TimeSpan.Zero
                ? offset : throw new ArgumentException($"FhirPractice:Scheduling:ReminderOffsets: '{o}' is not a positive TimeSpan")).Distinct().ToList();
}
