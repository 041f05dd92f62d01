using Hl7.Fhir.Model;

namespace FhirPractice.Security.SmartScopes;

/// <summary>Whose data a SMART resource scope is about.</summary>
public enum ScopeContext
{
    /// <summary><c>patient/</c>: the data of the token's patient (its Patient compartment).</summary>
    Patient,
    /// <summary><c>user/</c>: what the signed-in user may see; no confinement beyond the scope itself.</summary>
    User,
    /// <summary><c>system/</c>: a backend service acting on its own behalf.</summary>
    System,
}

/// <summary>
/// One SMART resource scope, v1 (<c>patient/Observation.read</c>, <c>user/*.write</c>, <c>system/*.*</c>) or v2
/// (<c>patient/Observation.rs</c>, the <c>cruds</c> letters in that order, with an optional query filter:
/// <c>patient/Observation.rs?category=laboratory</c>). v1 <c>read</c> is <c>rs</c>, <c>write</c> is <c>cud</c>,
/// <c>*</c> is <c>cruds</c>.
/// </summary>
/// <param name="Type">The resource type, or null for the <c>*</c> wildcard (which never grants AuditEvent).</param>
/// <param name="Permissions">The v2 letters granted, a subsequence of "cruds".</param>
/// <param name="Query">The v2 query filter without its '?', or null.</param>
public sealed record SmartScope(ScopeContext Context, string? Type, string Permissions, string? Query)
{
    private const string Letters = "cruds";

    public bool Allows(char permission) => Permissions.Contains(permission);

    /// <summary>Whether everything this scope allows is also allowed by <paramref name="other"/> (a grant never exceeds its registration).</summary>
    public bool IsWithin(SmartScope other) =>
        other.Context == Context
        && (other.Type is null || other.Type == Type)
        && Permissions.All(other.Permissions.Contains)
        && (other.Query is null || other.Query == Query);

    /// <summary>
    /// The resource scope <paramref name="scope"/> stands for, or null when it is none: <c>openid</c>, <c>fhirUser</c>,
    /// <c>launch</c>, <c>launch/patient</c>, <c>offline_access</c> and the like grant no access to data, and a malformed
    /// resource scope (an unknown type, unknown or repeated permission letters, a query filter on a v1 scope) grants nothing.
    /// </summary>
    public static SmartScope? Parse(string scope)
    {
        var slash = scope.IndexOf('/');
        if (slash < 0) return null;
        ScopeContext? context = scope[..slash] switch
        {
            "patient" => ScopeContext.Patient,
            "user" => ScopeContext.User,
            "system" => ScopeContext.System,
            _ => null,
        };
        if (context is null) return null;
        var rest = scope[(slash + 1)..];
        var question = rest.IndexOf('?');
        var query = question < 0 ? null : rest[(question + 1)..];
        if (question >= 0) rest = rest[..question];
        var dot = rest.LastIndexOf('.');
        if (dot <= 0) return null;
        var type = rest[..dot];
        if (type != "*" && (!ModelInfo.IsKnownResource(type) || type is "Resource" or "DomainResource")) return null;
        var permissions = rest[(dot + 1)..] switch
        {
            "read" when query is null => "rs",
            "write" when query is null => "cud",
            "*" when query is null => Letters,
            var v2 when IsV2(v2) && query is not "" => v2,
            _ => null,
        };
        return permissions is null ? null : new SmartScope(context.Value, type == "*" ? null : type, permissions, query);
    }

    /// <summary>Letters of "cruds", each at most once and in that order.</summary>
    private static bool IsV2(string letters)
    {
        var at = 0;
        foreach (var letter in letters)
        {
            var index = Letters.IndexOf(letter, at);
            if (index < 0) return false;
            at = index + 1;
        }
        return letters.Length > 0;
    }
}
