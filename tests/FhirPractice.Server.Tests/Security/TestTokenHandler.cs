using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirPractice.Server.Tests.Security;

/// <summary>
/// Test-only authentication: turns <c>X-Test-*</c> headers into a principal with the claims an access token carries
/// (client_id, sub, fhirUser, patient, scope), as HttpCaller reads them. No header: anonymous; X-Test-Client "invalid":
/// a failed authentication, as a bad token would be.
/// </summary>
public sealed class TestTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Scheme = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers;
        if (!headers.ContainsKey("X-Test-Client")) return Task.FromResult(AuthenticateResult.NoResult());
        if (headers["X-Test-Client"] == "invalid") return Task.FromResult(AuthenticateResult.Fail("invalid token"));
        var claims = new List<Claim> { new("client_id", headers["X-Test-Client"].ToString()), new("sub", headers["X-Test-Sub"].FirstOrDefault() ?? "user-1") };
        if (headers["X-Test-Patient"].FirstOrDefault() is { } patient) claims.Add(new Claim("patient", patient));
        if (headers["X-Test-FhirUser"].FirstOrDefault() is { } fhirUser) claims.Add(new Claim("fhirUser", fhirUser));
        if (headers["X-Test-Scope"].FirstOrDefault() is { } scope) claims.Add(new Claim("scope", scope));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme)));
    }
}

/// <summary>What a test token says: its scopes (space-separated, as in a token) and the patient in context.</summary>
public sealed record TestToken(string Scope, string? Patient = null)
{
    public IEnumerable<(string Name, string Value)> Headers()
    {
        yield return ("X-Test-Client", "test-app");
        yield return ("X-Test-Scope", Scope);
        if (Patient is not null) yield return ("X-Test-Patient", Patient);
    }
}
