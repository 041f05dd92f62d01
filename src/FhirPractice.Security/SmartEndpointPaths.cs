namespace FhirPractice.Security;

/// <summary>
/// Where the SMART authorization server answers, below the server's root (not the FHIR base): the CapabilityStatement's
/// oauth-uris and the authorization server's endpoints are both made from these, so they cannot drift apart.
/// </summary>
public static class SmartEndpointPaths
{
    public const string Authorize = "/auth/authorize";
    public const string Token = "/auth/token";
    public const string Introspect = "/auth/introspect";
    public const string Revoke = "/auth/revoke";
}
