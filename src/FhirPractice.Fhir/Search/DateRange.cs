using System.Globalization;
using System.Text.RegularExpressions;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// A FHIR date, dateTime or instant as the half-open range of instants its precision covers:
/// "2020" is all of 2020, "2020-03-01T10:00:00Z" is that one second. Values without a time zone are
/// taken as UTC.
/// </summary>
public readonly record struct DateRange(DateTimeOffset Low, DateTimeOffset High)
{
    private static readonly Regex Pattern = new(
        @"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<mi>\d{2})(:(?<s>\d{2})(?<f>\.\d+)?)?(?<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$",
        RegexOptions.Compiled | RegexOptions.CultureInvariant);

    public static bool TryParse(string? text, out DateRange range)
    {
        range = default;
        if (string.IsNullOrEmpty(text)) return false;
        var m = Pattern.Match(text);
        if (!m.Success) return false;
        try
        {
            var offset = TimeSpan.Zero;
            if (m.Groups["tz"].Success && m.Groups["tz"].Value != "Z")
                offset = TimeSpan.ParseExact(m.Groups["tz"].Value[1..], @"hh\:mm", CultureInfo.InvariantCulture)
                         * (m.Groups["tz"].Value[0] == '-' ? -1 : 1);
            int year = Int(m, "y"), month = m.Groups["m"].Success ? Int(m, "m") : 1, day = m.Groups["d"].Success ? Int(m, "d") : 1;
            int hour = m.Groups["h"].Success ? Int(m, "h") : 0, minute = m.Groups["mi"].Success ? Int(m, "mi") : 0;
            int second = m.Groups["s"].Success ? Int(m, "s") : 0;
            var low = new DateTimeOffset(year, month, day, hour, minute, second, offset);
            DateTimeOffset high;
            if (m.Groups["f"].Success)
            {
                var fraction = decimal.Parse("0" + m.Groups["f"].Value, CultureInfo.InvariantCulture);
                var digits = m.Groups["f"].Value.Length - 1;
                low = low.AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
                high = low.AddTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / (decimal)Math.Pow(10, Math.Min(digits, 7)))));
            }
            else if (m.Groups["s"].Success) high = low.AddSeconds(1);
            else if (m.Groups["mi"].Success) high = low.AddMinutes(1);
            else if (m.Groups["d"].Success) high = low.AddDays(1);
            else if (m.Groups["m"].Success) high = low.AddMonths(1);
            else high = low.AddYears(1);
            range = new DateRange(low.ToUniversalTime(), high.ToUniversalTime());
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // e.g. month 13 or day 31 in a 30-day month
        }
    }

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
}
