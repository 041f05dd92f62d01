using FhirPractice.Fhir.Rest;
using FhirPractice.Security.Audit;
using FhirPractice.Security.SmartScopes;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// The token endpoint, after OpenIddict has authenticated the client and validated the grant (the code with its
/// PKCE verifier and redirect URI, the refresh token, a client assertion): it adds the SMART launch context to the
/// response and, for backend services, grants the system scopes the registration allows.
/// </summary>
public static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, ServerUrls urls, ClientDirectory clients, UserDirectory users, IAuditTrail audit)
    {
        var answer = await AnswerAsync(http, urls, clients, users);
        var request = http.GetOpenIddictServerRequest();
        // Refusals are recorded as OpenIddict answers them (RefusedTokenAudit). Audit fails closed: a token the trail
        // cannot record is not issued. The grant and scopes are recorded, never the token.
        if (answer is not SignInHttpResult issued) return answer;
        await audit.RecordAsync(new SecurityEvent(SecurityEventKind.TokenIssued, true,
            FhirCaller.Anonymous with
            {
                ClientId = request?.ClientId,
                Subject = issued.Principal.GetClaim(Claims.Subject),
                RemoteAddress = http.Connection.RemoteIpAddress?.ToString(),
            },
            $"{request?.GrantType} {string.Join(' ', issued.Principal.GetScopes())}".Trim(), issued.Principal.GetClaim(SmartClaims.Patient)), http.RequestAborted);
        return answer;
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, ServerUrls urls, ClientDirectory clients, UserDirectory users)
    {
        var ct = http.RequestAborted;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        ClaimsPrincipal principal;
        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal
                ?? throw new InvalidOperationException("OpenIddict validated a grant without a principal");
            // A deleted account's refresh tokens stop working.
            if (await users.FindAsync(principal.GetClaim(Claims.Subject)!, ct) is null)
                return OAuthRefusal.Refuse(Errors.InvalidGrant, "the account no longer exists");
            // A refresh may narrow the scopes (OpenIddict refuses widening them); the new tokens carry the narrower set.
            if (request.IsRefreshTokenGrantType() && request.GetScopes() is { Length: > 0 } narrower)
                principal.SetScopes(principal.GetScopes().Intersect(narrower));
        }
        else if (request.IsClientCredentialsGrantType())
        {
            var scopes = ScopePolicy.Allowed(request.GetScopes(), await clients.RegisteredScopesAsync(request.ClientId!, ct))
                .Where(s => !ScopePolicy.IsClinicalOutside(s, ScopeContext.System));
            var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, request.ClientId).SetClaim(Claims.ClientId, request.ClientId);
            identity.SetScopes(scopes);
            identity.SetResources(urls.FhirBase(http));
            principal = new ClaimsPrincipal(identity);
        }
        else return OAuthRefusal.Refuse(Errors.UnsupportedGrantType, "unsupported grant type");

        principal.SetDestinations(SmartClaims.DestinationsOf);
        var properties = new AuthenticationProperties();
        foreach (var (name, value) in SmartClaims.ResponseParameters(principal, urls.Endpoint(http, "smart-style.json")))
            properties.Parameters[name] = value;
        return Results.SignIn(principal, properties, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
