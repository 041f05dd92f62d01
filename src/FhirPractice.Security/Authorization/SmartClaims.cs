using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FhirPractice.Security.Authorization;

/// <summary>The SMART launch context carried in tokens, and where each claim goes (access token, id_token).</summary>
public static class SmartClaims
{
    public const string FhirUser = "fhirUser";
    public const string Patient = "patient";
    public const string Encounter = "encounter";
    public const string FhirContext = "fhirContext";
    public const string NeedPatientBanner = "need_patient_banner";

    /// <summary>Launch context goes into the access token (read by the FHIR door) and, for fhirUser, the id_token.</summary>
    public static IEnumerable<string> DestinationsOf(Claim claim) => claim.Type switch
    {
        Claims.Subject or FhirUser => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Name or Claims.Role => [Destinations.IdentityToken],
        Patient or Encounter or FhirContext or NeedPatientBanner or Claims.ClientId => [Destinations.AccessToken],
        _ => [],
    };

    /// <summary>The token response's SMART context parameters, from the principal the grant carries.</summary>
    public static Dictionary<string, object?> ResponseParameters(ClaimsPrincipal principal, string styleUrl)
    {
        // SMART requires scope in every token response; OpenIddict leaves it out when it equals the request's.
        var parameters = new Dictionary<string, object?> { [Parameters.Scope] = string.Join(' ', principal.GetScopes()) };
        if (principal.GetClaim(Patient) is { } patient) parameters[Patient] = patient;
        if (principal.GetClaim(Encounter) is { } encounter) parameters[Encounter] = encounter;
        if (principal.GetClaim(FhirContext) is { } context) parameters[FhirContext] = new OpenIddictParameter(System.Text.Json.JsonDocument.Parse(context).RootElement);
        if (principal.HasScope("launch") || principal.HasScope("launch/patient") || principal.HasScope("launch/encounter"))
        {
            parameters[NeedPatientBanner] = principal.GetClaim(NeedPatientBanner) != "false";
            parameters["smart_style_url"] = styleUrl;
        }
        return parameters;
    }
}
