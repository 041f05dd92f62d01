using System.Text.RegularExpressions;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// A SMART clinical scope, v1 (<c>patient/Observation.read</c>) or v2 (<c>patient/Observation.rs?category=laboratory</c>),
/// with its permissions normalised to the v2 letters c, r, u, d, s. Other scopes (openid, launch, offline_access…)
/// are not clinical and do not parse.
/// </summary>
public sealed partial record SmartScope(string Context, string ResourceType, string Permissions, string? Query)
{
    [GeneratedRegex(@"^(patient|user|system)/([A-Za-z]+|\*)\.(read|write|\*|c?r?u?d?s?)(\?[^\s]+)?$")]
    private static partial Regex Grammar();

    public static bool TryParse(string scope, out SmartScope parsed)
    {
        parsed = null!;
        var m = Grammar().Match(scope);
        if (!m.Success || m.Groups[3].Value.Length == 0) return false;
        var permissions = m.Groups[3].Value switch
        {
            "read" => "rs",
            "write" => "cud",
            "*" => "cruds",
            var v2 => v2,
        };
        // A query filter is a v2 feature: "patient/Observation.read?x" is not a scope.
        var query = m.Groups[4].Success ? m.Groups[4].Value[1..] : null;
        if (query is not null && m.Groups[3].Value is "read" or "write" or "*") return false;
        parsed = new SmartScope(m.Groups[1].Value, m.Groups[2].Value, permissions, query);
        return true;
    }

    /// <summary>Whether everything this scope allows is also allowed by <paramref name="other"/>.</summary>
    public bool IsWithin(SmartScope other) =>
        other.Context == Context
        && (other.ResourceType == "*" || other.ResourceType == ResourceType)
        && Permissions.All(other.Permissions.Contains)
        && (other.Query is null || other.Query == Query);
}

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
        var allowedClinical = registered.Select(s => SmartScope.TryParse(s, out var p) ? p : null).OfType<SmartScope>().ToArray();
        return requested.Distinct().Where(s => SmartScope.TryParse(s, out var scope)
                ? allowedClinical.Any(scope.IsWithin)
                : NonClinical.Contains(s) && registered.Contains(s))
            .ToArray();
    }
}
