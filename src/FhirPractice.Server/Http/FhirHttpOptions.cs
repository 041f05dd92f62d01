namespace FhirPractice.Server.Http;

public sealed class FhirHttpOptions
{
    /// <summary>The path the FHIR API is served under.</summary>
    public string BasePath { get; set; } = "/fhir";

    /// <summary>Request bodies larger than this are refused with 413.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;
}
