using System.Globalization;
using FhirPractice.Fhir.Rest;
using FhirPractice.Security.Audit;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// Server-rendered sign-in pages with antiforgery: one for practice users, one for patients (each accepts only its
/// own kind of account), and the patient picker for practice users in a standalone <c>launch/patient</c>.
/// </summary>
public static class LoginPages
{
    public const string Scheme = "FhirPractice.Login";
    public const string LoginPath = ServerUrls.AuthPath + "/login", PatientLoginPath = ServerUrls.AuthPath + "/patient-login",
        PickerPath = ServerUrls.AuthPath + "/patient-picker";

    public static void MapLoginPages(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, (HttpContext http, IAntiforgery af, string? returnUrl) => LoginForm(http, af, false, returnUrl, null));
        app.MapGet(PatientLoginPath, (HttpContext http, IAntiforgery af, string? returnUrl) => LoginForm(http, af, true, returnUrl, null));
        app.MapPost(LoginPath, (HttpContext http, IAntiforgery af, UserDirectory users, SignInLockout lockout, IAuditTrail audit, [FromForm] LoginInput input) =>
            SignInAsync(http, af, users, lockout, audit, false, input));
        app.MapPost(PatientLoginPath, (HttpContext http, IAntiforgery af, UserDirectory users, SignInLockout lockout, IAuditTrail audit, [FromForm] LoginInput input) =>
            SignInAsync(http, af, users, lockout, audit, true, input));
        app.MapGet(PickerPath, (HttpContext http, IAntiforgery af, string? returnUrl) => PickerForm(http, af, returnUrl, null));
        app.MapPost(PickerPath, PickAsync);
    }

    public sealed record LoginInput(string? UserName, string? Password, string? ReturnUrl);
    public sealed record PickInput(string? PatientId, string? ReturnUrl);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery af, UserDirectory users, SignInLockout lockout, IAuditTrail audit,
        bool patients, LoginInput input)
    {
        // A locked name is refused before its password is looked at; each failure counts towards the lock.
        var locked = input.UserName is { } name ? lockout.LockedUntil(name) : null;
        var user = locked is not null || input.UserName is null || input.Password is null ? null : await users.SignInAsync(input.UserName, input.Password, http.RequestAborted);
        var succeeded = user is not null && (user.Role == UserRole.Patient) == patients;
        if (input.UserName is not null)
        {
            if (succeeded) lockout.Succeeded(input.UserName);
            else if (locked is null) locked = lockout.Failed(input.UserName);
        }
        var refusal = locked is { } until
            ? $"too many failed sign-ins: the user name is locked until {until.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC"
            : "unknown user name or wrong password";
        // Audit fails closed: a login the trail cannot record does not happen.
        await audit.RecordAsync(new SecurityEvent(SecurityEventKind.Login, succeeded,
            FhirCaller.Anonymous with { Subject = input.UserName, RemoteAddress = http.Connection.RemoteIpAddress?.ToString() },
            succeeded ? null : refusal), http.RequestAborted);
        if (!succeeded || user is null)
            return LoginForm(http, af, patients, input.ReturnUrl, char.ToUpperInvariant(refusal[0]) + refusal[1..] + ".");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.UserName), new Claim(ClaimTypes.Role, user.Role.ToString())], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(LocalOnly(input.ReturnUrl));
    }

    private static async Task<IResult> PickAsync(HttpContext http, IAntiforgery af, UserDirectory users, AuthDbContext db,
        FhirEngine engine, SmartAuthorizationOptions options, [FromForm] PickInput input)
    {
        var ct = http.RequestAborted;
        var login = await http.AuthenticateAsync(Scheme);
        var user = login.Succeeded ? await users.FindAsync(login.Principal!.Identity!.Name!, ct) : null;
        if (user is null || !user.CanChoosePatient) return Results.Redirect(LoginPath + "?returnUrl=" + Uri.EscapeDataString(LocalOnly(input.ReturnUrl)));
        var id = input.PatientId?.Trim();
        // Only a patient that exists can be chosen; the read is the server's own, not the user's.
        var exists = id is { Length: > 0 } && System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9\\-\\.]{1,64}$")
            && (await engine.HandleAsync(new FhirRequest("GET", "Patient/" + id, []) { Caller = FhirCaller.Internal("auth") }, ct)).Status == System.Net.HttpStatusCode.OK;
        if (!exists) return PickerForm(http, af, input.ReturnUrl, "No patient with that id.");
        var picked = new LaunchContext { Id = Guid.NewGuid().ToString("N"), PickedBy = user.UserName, Patient = id, ExpiresAt = DateTimeOffset.UtcNow + options.LaunchContextLifetime };
        db.LaunchContexts.Add(picked);
        await db.SaveChangesAsync(ct);
        var back = LocalOnly(input.ReturnUrl);
        return Results.Redirect(back + (back.Contains('?') ? "&" : "?") + AuthorizeEndpoint.PickedParameter + "=" + picked.Id);
    }

    /// <summary>Only paths on this server are followed after sign-in (no open redirect).</summary>
    private static string LocalOnly(string? url) =>
        url is { Length: > 1 } && url[0] == '/' && url[1] != '/' && url[1] != '\\' ? url : "/";

    private static IResult LoginForm(HttpContext http, IAntiforgery af, bool patients, string? returnUrl, string? error)
    {
        var other = patients
            ? $"<p><a href=\"{Attr(LoginPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl ?? "/"))}\">Practice staff sign in</a></p>"
            : $"<p><a id=\"patient-login\" href=\"{Attr(PatientLoginPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl ?? "/"))}\">Patients sign in here</a></p>";
        return Page(http, patients ? "Patient sign in" : "Practice sign in", error, $"""
            <form method="post" action="{Attr(patients ? PatientLoginPath : LoginPath)}">
              {Antiforgery(http, af)}
              <input type="hidden" name="ReturnUrl" value="{Attr(returnUrl ?? "/")}">
              <label>User name <input name="UserName" id="username" autocomplete="username" required></label>
              <label>Password <input name="Password" id="password" type="password" autocomplete="current-password" required></label>
              <button type="submit" id="sign-in">Sign in</button>
            </form>
            {other}
            """);
    }

    private static IResult PickerForm(HttpContext http, IAntiforgery af, string? returnUrl, string? error) => Page(http, "Choose a patient", error, $"""
        <form method="post" action="{Attr(PickerPath)}">
          {Antiforgery(http, af)}
          <input type="hidden" name="ReturnUrl" value="{Attr(returnUrl ?? "/")}">
          <label>Patient id <input name="PatientId" id="patient-id" required></label>
          <button type="submit" id="choose">Open this patient's record in the app</button>
        </form>
        """);

    private static string Antiforgery(HttpContext http, IAntiforgery af)
    {
        var tokens = af.GetAndStoreTokens(http);
        return $"<input type=\"hidden\" name=\"{Attr(tokens.FormFieldName)}\" value=\"{Attr(tokens.RequestToken!)}\">";
    }

    private static IResult Page(HttpContext http, string title, string? error, string body)
    {
        http.Response.Headers.CacheControl = "no-store";
        // The pages must not be framed by an app (clickjacking of the sign-in).
        http.Response.Headers.XFrameOptions = "DENY";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        var message = error is null ? "" : $"<p role=\"alert\" style=\"color:#9e2d2d\">{Attr(error)}</p>";
        return Results.Content($$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{{Attr(title)}} · FhirPractice</title>
            <style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto}label{display:block;margin:.75rem 0}input{display:block;width:100%}</style>
            </head><body><h1>{{Attr(title)}}</h1>{{message}}{{body}}</body></html>
            """, "text/html; charset=utf-8");
    }

    private static string Attr(string value) => HtmlEncoder.Default.Encode(value);
}
