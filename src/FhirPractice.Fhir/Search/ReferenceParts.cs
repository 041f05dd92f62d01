using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

/// <summary>Splits a literal reference into type and id (relative, or absolute on a FHIR base) or keeps it as a URL.</summary>
public static class ReferenceParts
{
    public static (string? Type, string? Id, string? Url) Split(string reference)
    {
        var path = reference;
        var history = path.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0) path = path[..history];
        var segments = path.Split('/');
        if (segments.Length >= 2 && ModelInfo.IsKnownResource(segments[^2]) && segments[^1].Length > 0)
        {
            var isRelative = segments.Length == 2;
            return (segments[^2], segments[^1], isRelative ? null : reference);
        }
        return (null, null, reference);
    }

    public static string? TypeOf(string reference) => Split(reference).Type;
}
