using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// Authenticates requests to the FHIR API: a valid access token (signature, lifetime, its stored token and
/// authorization entries still valid, issued for this FHIR base) becomes <c>HttpContext.User</c>; an invalid one is
/// answered 401 with an OperationOutcome and <c>WWW-Authenticate</c>. A request without a token passes on
/// anonymous: whether that may do anything is the engine's decision, not this guard's.
/// </summary>
public sealed class BearerTokenGuard(RequestDelegate next, ServerUrls urls, SmartAuthorizationOptions options)
{
    private readonly PathString _fhirBase = "/" + options.FhirBasePath.Trim('/');

    public async Task InvokeAsync(HttpContext http, FhirEngine engine)
    {
        if (!http.Request.Path.StartsWithSegments(_fhirBase) || !http.Request.Headers.Authorization.Any())
        {
            await next(http);
            return;
        }
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (result.Succeeded && result.Principal.GetResources().Concat(result.Principal.GetAudiences()).Contains(urls.FhirBase(http)))
        {
            http.User = result.Principal;
            await next(http);
            return;
        }
        var reason = result.Succeeded ? "the access token was not issued for this server" : "the access token is invalid, expired or revoked";
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"{urls.FhirBase(http)}\", error=\"invalid_token\", error_description=\"{reason}\"";
        http.Response.ContentType = "application/fhir+json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            resourceType = "OperationOutcome",
            issue = new[] { new { severity = "error", code = "login", diagnostics = reason } },
        }));
        // Refused before the engine, like the FHIR endpoint's own door refusals: the audit trail still records it.
        var path = http.Request.Path.Value![_fhirBase.Value!.Length..].Trim('/');
        await engine.RefusedAsync(new FhirRequest(http.Request.Method, path, FhirRequest.ParseQuery(http.Request.QueryString.Value))
        {
            BaseUrl = urls.FhirBase(http),
            Caller = FhirCaller.Anonymous with { RemoteAddress = http.Connection.RemoteIpAddress?.ToString() },
            RequestId = http.Request.Headers["X-Request-Id"] is [{ Length: > 0 and <= 200 } id] ? id : http.TraceIdentifier,
        }, new FhirError(System.Net.HttpStatusCode.Unauthorized, Hl7.Fhir.Model.OperationOutcome.IssueType.Login, reason));
    }
}
