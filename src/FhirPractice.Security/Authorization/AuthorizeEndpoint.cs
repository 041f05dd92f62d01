using FhirPractice.Security.SmartScopes;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// The authorization endpoint, after OpenIddict has checked the client, redirect URI and PKCE: the SMART rules
/// (<c>aud</c> is our FHIR base), sign-in, the launch context (EHR launch, the patient's own record, the patient
/// picker), and the grant of the scopes the client's registration and the user's role allow.
/// </summary>
public static class AuthorizeEndpoint
{
    /// <summary>The query parameter carrying the patient the picker chose back to this endpoint.</summary>
    public const string PickedParameter = "picked_context";

    public static async Task<IResult> HandleAsync(HttpContext http, ServerUrls urls, AuthDbContext db, ClientDirectory clients,
        UserDirectory users, IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications)
    {
        var ct = http.RequestAborted;
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("not an OpenID Connect request");
        if ((string?)request["aud"] != urls.FhirBase(http))
            return OAuthRefusal.Refuse(Errors.InvalidRequest, "aud must be this server's FHIR base URL");

        var login = await http.AuthenticateAsync(LoginPages.Scheme);
        var user = login.Succeeded ? await users.FindAsync(login.Principal!.Identity!.Name!, ct) : null;
        if (user is null)
            return Results.Redirect(LoginPages.LoginPath + "?returnUrl=" + Uri.EscapeDataString(ReturnUrl(http)));

        var scopes = ScopePolicy.Allowed(request.GetScopes(), await clients.RegisteredScopesAsync(request.ClientId!, ct))
            // A patient account reads as that patient only.
            .Where(s => user.Role != UserRole.Patient || !ScopePolicy.IsClinicalOutside(s, ScopeContext.Patient))
            .ToList();

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.UserName).SetClaim(Claims.Name, user.UserName).SetClaim(Claims.Role, user.Role.ToString());
        if (user.FhirUser is not null && (scopes.Contains("fhirUser") || scopes.Contains(Scopes.OpenId)))
            identity.SetClaim(SmartClaims.FhirUser, user.FhirUser);

        var launch = await ResolveLaunchAsync(http, request, user, scopes, db, ct);
        switch (launch)
        {
            case LaunchOutcome.Refused refused: return OAuthRefusal.Refuse(refused.Error, refused.Description);
            case LaunchOutcome.PickPatient:
                return Results.Redirect(LoginPages.PickerPath + "?returnUrl=" + Uri.EscapeDataString(ReturnUrl(http)));
            case LaunchOutcome.Bound bound:
                if (bound.Context.Patient is { } patient) identity.SetClaim(SmartClaims.Patient, patient);
                if (bound.Context.Encounter is { } encounter) identity.SetClaim(SmartClaims.Encounter, encounter);
                if (bound.Context.FhirContextJson is { } fhirContext) identity.SetClaim(SmartClaims.FhirContext, fhirContext);
                identity.SetClaim(SmartClaims.NeedPatientBanner, bound.Context.NeedPatientBanner ? "true" : "false");
                break;
        }

        identity.SetScopes(scopes);
        identity.SetResources(urls.FhirBase(http));
        var application = await applications.FindByClientIdAsync(request.ClientId!, ct)
            ?? throw new InvalidOperationException("OpenIddict validated a client that does not exist");
        // An authorization entry per grant, so revoking it ends every token issued under it.
        var authorization = await authorizations.CreateAsync(new ClaimsPrincipal(identity), user.UserName,
            (await applications.GetIdAsync(application, ct))!, AuthorizationTypes.AdHoc, [.. scopes], ct);
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization, ct));
        identity.SetDestinations(SmartClaims.DestinationsOf);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private abstract record LaunchOutcome
    {
        public sealed record None : LaunchOutcome;
        public sealed record Bound(LaunchContext Context) : LaunchOutcome;
        public sealed record PickPatient : LaunchOutcome;
        public sealed record Refused(string Error, string Description) : LaunchOutcome;
    }

    private static async Task<LaunchOutcome> ResolveLaunchAsync(HttpContext http, OpenIddictRequest request, UserAccount user,
        List<string> scopes, AuthDbContext db, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if ((string?)request["launch"] is { Length: > 0 } launchId)
        {
            // EHR launch: the context the EHR stored through the launch API, for a practice user.
            if (!scopes.Contains("launch")) return new LaunchOutcome.Refused(Errors.InvalidScope, "an EHR launch needs the launch scope");
            var stored = await db.LaunchContexts.SingleOrDefaultAsync(l => l.Id == launchId && l.PickedBy == null, ct);
            if (stored is null || stored.ExpiresAt < now) return new LaunchOutcome.Refused(Errors.InvalidRequest, "unknown or expired launch");
            if (user.Role == UserRole.Patient && stored.Patient != user.OwnPatient)
                return new LaunchOutcome.Refused(Errors.AccessDenied, "this launch is for another patient");
            return new LaunchOutcome.Bound(stored);
        }
        if (!scopes.Contains("launch/patient")) return new LaunchOutcome.None();
        if (user.OwnPatient is { } own) return new LaunchOutcome.Bound(new LaunchContext { Id = "", Patient = own });
        if (!user.CanChoosePatient) return new LaunchOutcome.Refused(Errors.AccessDenied, "this user may not choose a patient");
        if (http.Request.Query[PickedParameter].ToString() is { Length: > 0 } pickedId)
        {
            var picked = await db.LaunchContexts.SingleOrDefaultAsync(l => l.Id == pickedId && l.PickedBy == user.UserName, ct);
            if (picked is not null && picked.ExpiresAt >= now) return new LaunchOutcome.Bound(picked);
        }
        return new LaunchOutcome.PickPatient();
    }

    /// <summary>This authorization request as a GET URL (a POSTed request too), to come back to after login or the picker.</summary>
    private static string ReturnUrl(HttpContext http)
    {
        var query = new QueryBuilder();
        var parameters = http.Request.HasFormContentType ? http.Request.Form.AsEnumerable() : http.Request.Query.AsEnumerable();
        foreach (var (name, values) in parameters)
            if (name != PickedParameter) query.Add(name, values.OfType<string>());
        return http.Request.PathBase + http.Request.Path + query.ToQueryString();
    }
}
