using System.Globalization;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Availability;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// Where the next page of a <c>$find</c> starts: after the last proposal's start (UTC ticks) and alternative (its index
/// among the Schedules taken, in the answer's order), as <c>_cursor={ticks}-{index}</c>. It names nothing a client could not
/// ask for anyway, so it is checked, not signed: one that is not of this form, names no alternative or lies outside the
/// range is a 400.
/// </summary>
internal static class FindCursor
{
    public static string Next(FhirRequest r, DateTimeOffset lastStart, int option)
    {
        var cursor = $"{lastStart.UtcTicks.ToString(CultureInfo.InvariantCulture)}-{option.ToString(CultureInfo.InvariantCulture)}";
        return FhirEngine.WithQuery($"{r.BaseUrl}/{r.Path}", r.Query.Where(q => q.Key != "_cursor").Append(new("_cursor", cursor)));
    }

    public static (DateTimeOffset Start, int Option) Parse(string cursor, TimeRange range, int options)
    {
        var parts = cursor.Split('-');
        if (parts.Length == 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var option) && option < options
            && new DateTimeOffset(ticks, TimeSpan.Zero) is var start && start >= range.Start && start < range.End)
            return (start, option);
        throw FhirError.BadRequest($"'{cursor}' is not a cursor of this $find (take the next link of its answer)", "_cursor");
    }
}
