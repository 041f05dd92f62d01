namespace FhirPractice.Fhir.Rest;

public enum FhirFormat { Json, Xml }

/// <summary>Maps MIME types and _format values to the two wire formats.</summary>
public static class FhirFormats
{
    public const string JsonMime = "application/fhir+json";
    public const string XmlMime = "application/fhir+xml";

    /// <summary>A _format value or a media type (parameters ignored), or null when it is neither JSON nor XML.</summary>
    public static FhirFormat? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var media = value.Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "json" or "application/json" or "application/fhir+json" or "text/json" or "application/json+fhir" => FhirFormat.Json,
            "xml" or "application/xml" or "application/fhir+xml" or "text/xml" or "application/xml+fhir" => FhirFormat.Xml,
            _ => null,
        };
    }

    public static string MimeType(FhirFormat format) => format == FhirFormat.Xml ? XmlMime : JsonMime;
}
