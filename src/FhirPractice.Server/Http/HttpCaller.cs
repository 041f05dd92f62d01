using System.Security.Claims;
using FhirPractice.Fhir.Rest;

namespace FhirPractice.Server.Http;

/// <summary>The <see cref="FhirCaller"/> of an HTTP request, read from the authenticated principal's claims.</summary>
public static class HttpCaller
{
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
