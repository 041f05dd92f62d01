namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>Durations in minutes (an appointment's, a procedure's), bounded so that no start plus one leaves the calendar.</summary>
internal static class Durations
{
    /// <summary>A year and a day: longer than any appointment or procedure a message describes.</summary>
    private const int MaxMinutes = 366 * 24 * 60;

    /// <summary>The duration rounded to whole minutes; a negative one or one past a year is refused (102 naming the field).</summary>
    public static int Minutes(decimal minutes, FieldLocation at) =>
        minutes is >= 0 and <= MaxMinutes ? (int)Math.Round(minutes)
            : throw V2Segment.DataTypeError(at, $"'{minutes}' minutes is not a duration from 0 to a year");
}
