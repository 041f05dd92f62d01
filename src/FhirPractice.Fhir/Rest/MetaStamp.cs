using System.Text;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// Resources are serialised before the write transaction, with placeholder meta.versionId and
/// meta.lastUpdated; the transaction only splices the real values in. This keeps the single writer
/// free of serialisation work. The root resource's meta is always the first one written, so the
/// first occurrence of each placeholder is the one replaced.
/// </summary>
public static class MetaStamp
{
    private const string VersionPlaceholder = "#version#";
    private static readonly DateTimeOffset TimePlaceholder = new(1111, 11, 11, 11, 11, 11, TimeSpan.Zero);
    private static readonly byte[] VersionPattern = Encoding.UTF8.GetBytes($"\"versionId\":\"{VersionPlaceholder}\"");
    private static readonly byte[] TimePattern;

    static MetaStamp()
    {
        var probe = new Patient { Meta = new Meta { LastUpdated = TimePlaceholder } };
        var json = Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(probe));
        var start = json.IndexOf("\"lastUpdated\":", StringComparison.Ordinal);
        var end = json.IndexOf('"', start + 15);
        TimePattern = Encoding.UTF8.GetBytes(json[start..(end + 1)]);
    }

    public static void SetPlaceholders(Resource resource)
    {
        resource.Meta ??= new Meta();
        resource.Meta.VersionId = VersionPlaceholder;
        resource.Meta.LastUpdated = TimePlaceholder;
    }

    public static byte[] Stamp(ReadOnlySpan<byte> template, long version, DateTimeOffset lastUpdated)
    {
        var v = template.IndexOf(VersionPattern);
        var t = template.IndexOf(TimePattern);
        if (v < 0 || t < 0 || t < v) throw new InvalidOperationException("The resource template has no meta placeholders.");
        var versionBytes = Encoding.UTF8.GetBytes($"\"versionId\":\"{version}\"");
        var timeBytes = Encoding.UTF8.GetBytes($"\"lastUpdated\":\"{lastUpdated.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fff}Z\"");
        var result = new byte[template.Length - VersionPattern.Length - TimePattern.Length + versionBytes.Length + timeBytes.Length];
        var o = 0;
        template[..v].CopyTo(result); o += v;
        versionBytes.CopyTo(result, o); o += versionBytes.Length;
        var between = template[(v + VersionPattern.Length)..t];
        between.CopyTo(result.AsSpan(o)); o += between.Length;
        timeBytes.CopyTo(result, o); o += timeBytes.Length;
        template[(t + TimePattern.Length)..].CopyTo(result.AsSpan(o));
        return result;
    }
}
