using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirPractice.Server.Tests.Security;

/// <summary>
/// A browser's part of the authorization code flow, over HTTP without a browser: the authorize request, the login
/// form with its antiforgery token, the patient picker, and the redirect back to the app with the code.
/// </summary>
public sealed partial class SmartFlow(SmartServerFactory server)
{
    public const string Origin = "http://localhost", FhirBase = "http://localhost/fhir", TokenEndpoint = "http://localhost/auth/token";
    public HttpClient Browser { get; } = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(Origin) });
    public string Verifier { get; } = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
    public string Challenge => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    public static string AuthorizeUrl(IDictionary<string, string?> parameters) =>
        "/auth/authorize?" + string.Join("&", parameters.Where(p => p.Value is not null).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)));

    public Dictionary<string, string?> Parameters(string scope, string clientId = "app") => new()
    {
        ["response_type"] = "code",
        ["client_id"] = clientId,
        ["redirect_uri"] = SmartServerFactory.AppRedirect,
        ["scope"] = scope,
        ["state"] = "state-1",
        ["aud"] = FhirBase,
        ["code_challenge"] = Challenge,
        ["code_challenge_method"] = "S256",
    };

    /// <summary>Follows redirects on this server until one leaves it (to the app) and returns that location.</summary>
    public async Task<Uri> FollowAsync(HttpResponseMessage response)
    {
        while (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
        {
            var location = new Uri(new Uri(Origin), response.Headers.Location!);
            if (location.GetLeftPart(UriPartial.Authority) != Origin) return location;
            response = await Browser.GetAsync(location.PathAndQuery);
        }
        throw new InvalidOperationException($"stopped at {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Posts the form of the page at <paramref name="pagePath"/> with its hidden fields and the given ones.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, IDictionary<string, string> fields)
    {
        var page = await (await Browser.GetAsync(pagePath)).Content.ReadAsStringAsync();
        var action = WebUtility.HtmlDecode(FormAction().Match(page).Groups[1].Value);
        var form = HiddenInput().Matches(page).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        foreach (var (name, value) in fields) form[name] = value;
        return await Browser.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>Authorize, sign in as the user on the login page (patients on theirs), optionally pick a patient; the app's redirect.</summary>
    public async Task<Uri> AuthorizeAsync(Dictionary<string, string?> parameters, string user, string password, bool patientLogin = false, string? pick = null)
    {
        var first = await Browser.GetAsync(AuthorizeUrl(parameters));
        if (first.Headers.Location is not { } login || !login.OriginalString.StartsWith("/auth/login")) return await FollowAsync(first);
        var loginPage = patientLogin ? login.OriginalString.Replace("/auth/login", "/auth/patient-login") : login.OriginalString;
        var afterLogin = await SubmitAsync(loginPage, new Dictionary<string, string> { ["UserName"] = user, ["Password"] = password });
        var next = await Browser.GetAsync(afterLogin.Headers.Location!.OriginalString);
        if (pick is not null && next.Headers.Location?.OriginalString.StartsWith("/auth/patient-picker") == true)
            next = await SubmitAsync(next.Headers.Location.OriginalString, new Dictionary<string, string> { ["PatientId"] = pick });
        return await FollowAsync(next);
    }

    public static string? QueryValue(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault();

    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RedeemAsync(string code, string? verifier = null, string clientId = "app")
    {
        var response = await Browser.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = SmartServerFactory.AppRedirect,
            ["client_id"] = clientId,
            ["code_verifier"] = verifier ?? Verifier,
        }));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, response);
    }

    /// <summary>A signed client assertion for private_key_jwt, with the claims a test wants to get wrong.</summary>
    public static string Assertion(string clientId, SecurityKey key, string algorithm, string audience = TokenEndpoint,
        TimeSpan? expiresIn = null, string? jti = null, DateTime? issuedAt = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = jti ?? Guid.NewGuid().ToString() },
            IssuedAt = issuedAt ?? DateTime.UtcNow,
            NotBefore = issuedAt ?? DateTime.UtcNow,
            Expires = (issuedAt ?? DateTime.UtcNow) + (expiresIn ?? TimeSpan.FromMinutes(4)),
            SigningCredentials = new SigningCredentials(key, algorithm),
            TokenType = "JWT",
        });

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();
}
