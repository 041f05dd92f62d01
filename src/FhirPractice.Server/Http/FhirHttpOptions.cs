namespace FhirPractice.Server.Http;

public sealed class FhirHttpOptions
{
    /// <summary>The path the FHIR API is served under.</summary>
    public string BasePath { get; set; } = "/fhir";

    /// <summary>Request bodies larger than this are refused with 413.</summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The origins of browser apps that may call the API and the token endpoints (<see cref="BrowserAccess"/>); none
    /// listed, or "*", is any. (Empty by default: configuration adds a list's items to an array's initial ones.)
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];
}
