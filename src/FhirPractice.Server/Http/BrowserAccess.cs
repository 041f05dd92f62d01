using FhirPractice.Security;

namespace FhirPractice.Server.Http;

/// <summary>
/// CORS, so that a browser app served from another origin (a SMART app) can call the FHIR API, read the SMART
/// discovery document and exchange, introspect and revoke tokens — the CapabilityStatement says <c>cors: true</c>.
/// Those calls carry bearer tokens, never cookies, so no credentials are allowed and any origin may be by default
/// (<see cref="FhirHttpOptions.CorsOrigins"/> narrows it). The sign-in pages and the authorize endpoint are pages a
/// browser navigates to, not calls: they get no CORS headers. A preflight is answered here, before authentication.
/// </summary>
public static class BrowserAccess
{
    private const string Policy = "browser-apps";

    /// <summary>What a client reads from an answer besides the safelisted headers: where a resource went, its version, why a token was refused, a job's progress.</summary>
    private static readonly string[] ExposedHeaders =
        ["Location", "Content-Location", "ETag", "Last-Modified", "WWW-Authenticate", "X-Request-Id", "X-Progress", "Retry-After", "Expires"];

    public static IServiceCollection AddBrowserAccess(this IServiceCollection services, FhirHttpOptions options) =>
        services.AddCors(cors => cors.AddPolicy(Policy, policy =>
        {
            if (options.CorsOrigins is [] || options.CorsOrigins.Contains("*")) policy.AllowAnyOrigin();
            else policy.WithOrigins(options.CorsOrigins);
            policy.WithMethods("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE").AllowAnyHeader().WithExposedHeaders(ExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        }));

    /// <summary>Adds CORS to the FHIR base (the API, the discovery document, the staff endpoints) and the token endpoints; call before authentication.</summary>
    public static void UseBrowserAccess(this WebApplication app, FhirHttpOptions options)
    {
        var fhirBase = "/" + options.BasePath.Trim('/');
        string[] tokenEndpoints = [SmartEndpointPaths.Token, SmartEndpointPaths.Introspect, SmartEndpointPaths.Revoke];
        app.UseWhen(http => http.Request.Path.StartsWithSegments(fhirBase) || tokenEndpoints.Any(e => http.Request.Path.Equals(e, StringComparison.OrdinalIgnoreCase)),
            branch => branch.UseCors(Policy));
    }
}
