using System.Text;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>
/// The values of a write that only the single writer decides — its version number, its instant and whether a PUT
/// created or updated — as placeholders in the AuditEvents and Provenance built for it before the transaction
/// (<see cref="AuditInteractionHook.Prepare"/>). <see cref="Fill"/> splices the real values into the serialised bytes
/// and the index, as <see cref="FhirPractice.Fhir.Rest.MetaStamp"/> does for meta, so the writer neither builds,
/// serialises nor indexes them.
/// </summary>
public static class WritePlaceholders
{
    public const long Version = 987654321987654321;
    public static readonly DateTimeOffset Instant = new(1122, 2, 2, 2, 2, 2, 222, TimeSpan.Zero);
    /// <summary>The Provenance activity of a PUT or PATCH: CREATE when it wrote version 1, else UPDATE.</summary>
    public const string Activity = "planned-activity";

    private static readonly byte[] VersionPattern = Encoding.UTF8.GetBytes($"/_history/{Version}\"");
    private static readonly byte[] ActivityPattern = Encoding.UTF8.GetBytes($"\"{Activity}\"");
    private static readonly byte[] InstantPattern = Encoding.UTF8.GetBytes($"\"{PlaceholderText()}\"");

    /// <summary>The record with the write's values in place of the placeholders (a record without any is returned as it is).</summary>
    public static (byte[] Json, IReadOnlyList<IndexEntry> Index) Fill(byte[] template, IReadOnlyList<IndexEntry> index, long version, DateTimeOffset instant, string activity)
    {
        var text = InstantText(instant);
        var json = Replace(template, InstantPattern, Encoding.UTF8.GetBytes($"\"{text}\""));
        json = Replace(json, VersionPattern, Encoding.UTF8.GetBytes($"/_history/{version}\""));
        json = Replace(json, ActivityPattern, Encoding.UTF8.GetBytes($"\"{activity}\""));
        if (!index.Any(e => e is DateIndexEntry d && d.Low == Instant)) return (json, index);
        DateRange.TryParse(text, out var range);
        return (json, index.Select(e => e is DateIndexEntry d && d.Low == Instant ? new DateIndexEntry(d.Param, range.Low, range.High) : e).ToList());
    }

    /// <summary>The instant as meta.lastUpdated carries it (UTC, milliseconds), so a record's instant and its meta agree to the character and index alike.</summary>
    private static string InstantText(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The placeholder as the SDK's serialiser writes it.</summary>
    private static string PlaceholderText()
    {
        var json = Encoding.UTF8.GetString(FhirPractice.Fhir.Rest.ResourceSerializer.ToJsonBytes(new Provenance { Recorded = Instant }));
        var start = json.IndexOf("\"recorded\":\"", StringComparison.Ordinal) + 12;
        return json[start..json.IndexOf('"', start)];
    }

    private static byte[] Replace(byte[] json, byte[] pattern, byte[] replacement)
    {
        var at = json.AsSpan().IndexOf(pattern);
        if (at < 0) return json;
        var result = new List<byte>(json.Length + 64);
        var rest = json.AsSpan();
        while ((at = rest.IndexOf(pattern)) >= 0)
        {
            result.AddRange(rest[..at]);
            result.AddRange(replacement);
            rest = rest[(at + pattern.Length)..];
        }
        result.AddRange(rest);
        return [.. result];
    }
}
