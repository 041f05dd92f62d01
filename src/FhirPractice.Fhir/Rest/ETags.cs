using System.Globalization;

namespace FhirPractice.Fhir.Rest;

/// <summary>Weak ETags carry the version id: W/"3". Clients also send the bare or quoted number.</summary>
public static class ETags
{
    public static long? Version(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        var s = etag.Trim();
        if (s.StartsWith("W/", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        s = s.Trim('"');
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    public static bool Matches(string etag, long version) =>
        etag.Split(',').Any(e => e.Trim() == "*" || Version(e) == version);
}
