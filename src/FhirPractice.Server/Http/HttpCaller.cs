using System.Security.Claims;
using FhirPractice.Fhir.Rest;
using FhirPractice.Security.Authorization;

namespace FhirPractice.Server.Http;

/// <summary>The <see cref="FhirCaller"/> of an HTTP request, read from the authenticated principal's claims.</summary>
public static class HttpCaller
{
    /// <summary>The caller of a request to act on: refused (401) when it came with a token that was not accepted.</summary>
    public static FhirCaller Authenticated(HttpContext http) =>
        http.Features.Get<RefusedToken>() is { } refused ? throw refused.Error : From(http);

    /// <summary>Who sent the request, as far as is known: anonymous when it has no accepted token.</summary>
    public static FhirCaller From(HttpContext http)
    {
        var user = http.User;
        var remote = http.Connection.RemoteIpAddress?.ToString();
        if (user.Identity?.IsAuthenticated != true) return FhirCaller.Anonymous with { RemoteAddress = remote };
        return new FhirCaller
        {
            Door = "http",
            ClientId = Claim(user, "client_id"),
            Subject = Claim(user, "sub") ?? Claim(user, ClaimTypes.NameIdentifier),
            FhirUser = Claim(user, "fhirUser"),
            Patient = Claim(user, "patient"),
            Encounter = Claim(user, "encounter"),
            // A token carries its scopes as one space-separated claim or as one claim each.
            Scopes = user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToArray(),
            RemoteAddress = remote,
        };
    }

    private static string? Claim(ClaimsPrincipal user, string type) => user.FindFirst(type)?.Value;
}
