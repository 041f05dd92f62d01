namespace FhirPractice.Billing.Posting;

/// <summary>"Type/id" of what a transaction entry wrote, from its response location ("{base}/Type/id/_history/n").</summary>
public static class WrittenReference
{
    public static string Of(string location)
    {
        var parts = location.Split('/');
        var history = Array.LastIndexOf(parts, "_history");
        var end = history >= 2 ? history : parts.Length;
        return $"{parts[end - 2]}/{parts[end - 1]}";
    }
}
