using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>
/// DT, TS and DTM values (IG DTM[dateTime], TS[dateTime]): <c>YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]</c> to a
/// FHIR date, dateTime or instant, keeping the precision the sender gave. FHIR needs an offset on every
/// time, v2 does not: a time without one is read in <see cref="LocalZone"/> (the offset MSH-7 carries, else
/// the practice's zone), which is what v2 means by an offset-less time — the sender's local time.
/// A value that is not a date is refused with code 102 naming the field.
/// </summary>
internal sealed partial class V2DateTimes(TimeZoneInfo localZone, TimeSpan? messageOffset)
{
    [GeneratedRegex(@"^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,4})?([+-]\d{4})?$")]
    private static partial Regex Syntax();

    public TimeZoneInfo LocalZone => localZone;

    /// <summary>A dateTime with the precision given (year, month, day, or a time with seconds and an offset).</summary>
    public FhirDateTime? DateTime(V2Value? value, int component = 1) =>
        value?[component] is { } text ? new FhirDateTime(Format(text, value.At, instant: false)) : null;

    /// <summary>A date: the date part of the value, as the sender wrote it (no shift to another zone).</summary>
    public Date? Date(V2Value? value, int component = 1)
    {
        if (value?[component] is not { } text) return null;
        var formatted = Format(text, value.At, instant: false);
        return new Date(formatted.Length > 10 ? formatted[..10] : formatted);
    }

    /// <summary>An instant: the time filled to the second when the sender stopped at the day or hour.</summary>
    public Instant? Instant(V2Value? value, int component = 1) =>
        value?[component] is { } text ? new Instant(DateTimeOffset.Parse(Format(text, value.At, instant: true), CultureInfo.InvariantCulture)) : null;

    public string Format(string text, FieldLocation at, bool instant)
    {
        var m = Syntax().Match(text.Trim());
        if (!m.Success) throw V2Segment.DataTypeError(at, $"'{text}' is not a v2 date/time (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])");
        int Part(int group, int fallback) => m.Groups[group].Success ? int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : fallback;
        var (year, month, day) = (Part(1, 1), Part(2, 1), Part(3, 1));
        var (hour, minute, second) = (Part(4, 0), Part(5, 0), Part(6, 0));
        var fraction = m.Groups[7].Success ? m.Groups[7].Value : "";
        System.DateTime local;
        try { local = new System.DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified); }
        catch (ArgumentOutOfRangeException) { throw V2Segment.DataTypeError(at, $"'{text}' is not a valid date/time"); }
        if (year == 0) throw V2Segment.DataTypeError(at, $"'{text}' is not a valid date/time");

        var hasTime = m.Groups[4].Success;
        if (!hasTime && !instant)
            return m.Groups[3].Success ? $"{year:D4}-{month:D2}-{day:D2}" : m.Groups[2].Success ? $"{year:D4}-{month:D2}" : $"{year:D4}";

        TimeSpan offset;
        if (m.Groups[8].Success)
        {
            var z = m.Groups[8].Value;
            offset = new TimeSpan(int.Parse(z[1..3], CultureInfo.InvariantCulture), int.Parse(z[3..5], CultureInfo.InvariantCulture), 0);
            if (z[0] == '-') offset = -offset;
            if (offset.Duration() > TimeSpan.FromHours(14) || offset.Minutes >= 60)
                throw V2Segment.DataTypeError(at, $"'{text}' has an offset beyond ±14:00");
        }
        else offset = messageOffset ?? localZone.GetUtcOffset(local);

        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return $"{year:D4}-{month:D2}-{day:D2}T{hour:D2}:{minute:D2}:{second:D2}{fraction}{sign}{offset.Duration():hh\\:mm}";
    }

    /// <summary>The offset a v2 time carries, for MSH-7: the default for the message's other times.</summary>
    public static TimeSpan? OffsetOf(string? text)
    {
        if (text is null || Syntax().Match(text.Trim()) is not { Success: true } m || !m.Groups[8].Success) return null;
        var z = m.Groups[8].Value;
        var offset = new TimeSpan(int.Parse(z[1..3], CultureInfo.InvariantCulture), int.Parse(z[3..5], CultureInfo.InvariantCulture), 0);
        return offset.Duration() > TimeSpan.FromHours(14) ? null : z[0] == '-' ? -offset : offset;
    }
}
