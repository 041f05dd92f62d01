using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
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
    public static async Task<IResult> HandleAsync(HttpContext http, ServerUrls urls, ClientDirectory clients, UserDirectory users)
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
                .Where(s => !SmartScope.TryParse(s, out var clinical) || clinical.Context == "system");
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
