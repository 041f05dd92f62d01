using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// Authenticates requests to the FHIR API: a valid access token (signature, lifetime, its stored token and
/// authorization entries still valid, issued for this FHIR base) becomes <c>HttpContext.User</c>; an invalid one is
/// marked <see cref="RefusedToken"/>, which the FHIR doors answer 401 like any other refusal at their door (in the
/// negotiated format, and recorded in the audit trail). A request without a token passes on anonymous: whether that
/// may do anything is the engine's decision, not this guard's.
/// </summary>
public sealed class BearerTokenGuard(RequestDelegate next, ServerUrls urls, SmartAuthorizationOptions options)
{
    private readonly PathString _fhirBase = "/" + options.FhirBasePath.Trim('/');

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments(_fhirBase) && http.Request.Headers.Authorization.Any())
        {
            var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
            if (result.Succeeded && result.Principal.GetResources().Concat(result.Principal.GetAudiences()).Contains(urls.FhirBase(http)))
                http.User = result.Principal;
            else
                http.Features.Set(new RefusedToken(result.Succeeded ? "the access token was not issued for this server" : "the access token is invalid, expired or revoked"));
        }
        await next(http);
    }
}
