using Microsoft.AspNetCore.Http;

namespace FhirPractice.Security.Authorization;

/// <summary>The absolute URLs of the FHIR base and the authorization server's endpoints, as a client reaches them.</summary>
public sealed class ServerUrls(SmartAuthorizationOptions options)
{
    public const string AuthPath = "/auth";

    public string Origin(HttpContext http) =>
        (options.PublicUrl ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}").TrimEnd('/');

    public string FhirBase(HttpContext http) => Origin(http) + "/" + options.FhirBasePath.Trim('/');

    public string Endpoint(HttpContext http, string name) => Origin(http) + AuthPath + "/" + name;
}
