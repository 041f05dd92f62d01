using FhirPractice.Security.SmartScopes;

namespace FhirPractice.Security.Authorization;

/// <summary>The scopes a client may be granted, as registered, and the check of a request against them.</summary>
public static class ScopePolicy
{
    /// <summary>Scopes that are not clinical and that a client may ask for when it is registered with them.</summary>
    public static readonly string[] NonClinical = ["openid", "fhirUser", "profile", "launch", "launch/patient", "launch/encounter", "offline_access", "online_access", AdminScope];

    /// <summary>The scope of the authorization server's own admin API.</summary>
    public const string AdminScope = "fhirpractice/admin";

    /// <summary>The requested scopes the client's registration allows; a clinical scope must be within one of the allowed ones.</summary>
    public static IReadOnlyList<string> Allowed(IEnumerable<string> requested, IReadOnlyCollection<string> registered)
    {
        var allowedClinical = registered.Select(SmartScope.Parse).OfType<SmartScope>().ToArray();
        return requested.Distinct().Where(s => SmartScope.Parse(s) is { } scope
                ? allowedClinical.Any(scope.IsWithin)
                : NonClinical.Contains(s) && registered.Contains(s))
            .ToArray();
    }

    /// <summary>Whether <paramref name="scope"/> is a resource scope of a context other than <paramref name="context"/>.</summary>
    public static bool IsClinicalOutside(string scope, ScopeContext context) => SmartScope.Parse(scope) is { } clinical && clinical.Context != context;
}
