using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Security.SmartScopes;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Enforcement;

/// <summary>
/// SMART on FHIR scopes as the engine's <see cref="IAccessPolicy"/>. An interaction needs a scope with its letter
/// (read, vread, instance history: r; search, type and system history: s; create: c; update, patch: u; delete: d) on
/// the type or on <c>*</c>. What a scope reaches is a clause: a <c>patient/</c> scope only the token's patient's
/// compartment (resource types that can be in no patient compartment — Practitioner, Organization, Medication… — are
/// shared), a v2 query filter only the resources matching it; a resource is reachable when any one scope reaches it.
/// AuditEvent needs a scope that names it (<c>*</c> does not grant it) and is append-only for everyone. Internal callers
/// (the HL7 v2 bridge, jobs) are not restricted; callers without a token get a 401, unless open mode is on.
/// </summary>
public sealed class SmartAccessPolicy(SearchQueryParser parser, Compartments compartments, SmartEnforcementOptions options) : IAccessPolicy
{
    private const string AuditEvent = "AuditEvent";

    /// <summary>Matches no resource.</summary>
    private static readonly AnyOfClause Nothing = new([]);

    /// <summary>Every resource type but AuditEvent: what a <c>*</c> scope reaches in a search over several types.</summary>
    private static readonly AnyOfClause WildcardTypes =
        new([.. ModelInfo.SupportedResources.Where(t => t != AuditEvent).Order(StringComparer.Ordinal).Select(t => new ResourceClause(t, null))]);

    /// <summary>The URL parameters that shape a search's answer rather than select resources: no place in a scope's filter.</summary>
    private static readonly HashSet<string> ResultParameters =
        ["_count", "_sort", "_include", "_revinclude", "_summary", "_elements", "_total", "_page", "_contained", "_containedType", "_format", "_pretty", "_type"];

    public FhirError? Authenticate(FhirCaller caller) =>
        caller.IsAuthenticated || options.OpenMode ? null : Unauthorized();

    public FhirError? Check(FhirCaller caller, FhirInteraction interaction, string? type)
    {
        if (type == AuditEvent && interaction is FhirInteraction.Patch or FhirInteraction.Delete)
            return Forbidden("AuditEvents are append-only: they cannot be changed or deleted");
        if (Unrestricted(caller)) return null;
        if (!caller.IsAuthenticated) return Unauthorized();
        var letter = Letter(interaction);
        var allowed = type is null
            ? Scopes(caller, letter).Any(s => Filter(s, s.Type) is not null)
            : Scopes(caller, letter).Any(s => Covers(s, type) && Filter(s, type) is not null);
        return allowed ? null : Forbidden($"The access token's scopes do not allow {Verb(interaction)} {type ?? "any resource type"} (a scope such as {Example(interaction, type)} is needed)");
    }

    public FhirError? CheckEverything(FhirCaller caller, FhirInteraction interaction)
    {
        if (Unrestricted(caller)) return null;
        if (!caller.IsAuthenticated) return Unauthorized();
        var letter = Letter(interaction);
        return Scopes(caller, letter).Any(s => s is { Context: not ScopeContext.Patient, Type: null, Query: null })
            ? null
            : Forbidden($"{Verb(interaction)} every resource needs a user/ or system/ scope on * (such as system/*.{letter}) without a query filter");
    }

    public SearchClause? Constraint(FhirCaller caller, FhirInteraction interaction, string? type)
    {
        if (type == AuditEvent && interaction is FhirInteraction.Update or FhirInteraction.Patch or FhirInteraction.Delete) return Nothing;
        if (Unrestricted(caller)) return null;
        if (!caller.IsAuthenticated) return Nothing;
        var scopes = Scopes(caller, Letter(interaction)).ToList();
        return type is null ? AnyType(caller, scopes) : OfType(caller, scopes, type);
    }

    /// <summary>What the scopes reach of one type: any one scope's clause; null when one reaches all of it.</summary>
    private SearchClause? OfType(FhirCaller caller, List<SmartScope> scopes, string type)
    {
        var alternatives = new List<SearchClause>();
        foreach (var scope in scopes.Where(s => Covers(s, type)))
        {
            if (Filter(scope, type) is not { } filter) continue;
            List<SearchClause> parts = [.. filter];
            if (scope.Context == ScopeContext.Patient && compartments.CanContain("Patient", type))
                parts.Add(compartments.Membership("Patient", caller.Patient, type));
            if (parts.Count == 0) return null;
            alternatives.Add(parts.Count == 1 ? parts[0] : new AllOfClause(parts));
        }
        return alternatives.Count == 1 ? alternatives[0] : new AnyOfClause(alternatives);
    }

    /// <summary>What the scopes reach in a search over several types: per scope, its type(s) with its compartment and filter.</summary>
    private SearchClause? AnyType(FhirCaller caller, List<SmartScope> scopes)
    {
        bool Whole(SmartScope s) => s is { Context: not ScopeContext.Patient, Query: null };
        if (scopes.Any(s => Whole(s) && s.Type is null) && scopes.Any(s => Whole(s) && s.Type == AuditEvent)) return null;
        var alternatives = new List<SearchClause>();
        foreach (var scope in scopes)
        {
            if (Filter(scope, scope.Type) is not { } filter) continue;
            List<SearchClause> parts = [scope.Type is null ? WildcardTypes : new ResourceClause(scope.Type, null), .. filter];
            if (scope.Context == ScopeContext.Patient && scope.Type is null) parts.Add(PatientOrShared(caller.Patient!));
            else if (scope.Context == ScopeContext.Patient && compartments.CanContain("Patient", scope.Type!))
                parts.Add(compartments.Membership("Patient", caller.Patient, scope.Type));
            alternatives.Add(new AllOfClause(parts));
        }
        return new AnyOfClause(alternatives);
    }

    /// <summary>The patient's compartment, and every resource of a type that can be in no patient's compartment.</summary>
    private AnyOfClause PatientOrShared(string patient) => new(
    [
        .. compartments.Membership("Patient", patient, null).Alternatives,
        .. ModelInfo.SupportedResources.Where(t => !compartments.CanContain("Patient", t)).Order(StringComparer.Ordinal).Select(t => new ResourceClause(t, null)),
    ]);

    /// <summary>
    /// The criteria of a scope's query filter on <paramref name="type"/> (none without a filter), or null when the filter
    /// is not a valid search of the type — such a scope grants nothing.
    /// </summary>
    private IReadOnlyList<SearchClause>? Filter(SmartScope scope, string? type)
    {
        if (scope.Query is null) return [];
        var parameters = FhirRequest.ParseQuery(scope.Query);
        if (parameters.Count == 0 || parameters.Any(p => ResultParameters.Contains(p.Key))) return null;
        try
        {
            var query = parser.Parse(type, parameters, strict: true).Query;
            return query.Criteria.Count == 0 || TerminologyCriteria.Needed(query) ? null : query.Criteria;
        }
        catch (FhirError)
        {
            return null;
        }
    }

    /// <summary>The caller's resource scopes that grant <paramref name="letter"/>; a patient/ scope grants nothing without a patient in context.</summary>
    private static IEnumerable<SmartScope> Scopes(FhirCaller caller, char letter) =>
        caller.Scopes.Select(SmartScope.Parse).OfType<SmartScope>()
            .Where(s => s.Allows(letter) && (s.Context != ScopeContext.Patient || caller.Patient is not null));

    private static bool Covers(SmartScope scope, string type) => scope.Type == type || scope.Type is null && type != AuditEvent;

    private bool Unrestricted(FhirCaller caller) => caller.IsInternal || !caller.IsAuthenticated && options.OpenMode;

    private static char Letter(FhirInteraction interaction) => interaction switch
    {
        FhirInteraction.Read or FhirInteraction.VRead or FhirInteraction.InstanceHistory => 'r',
        FhirInteraction.Search or FhirInteraction.TypeHistory => 's',
        FhirInteraction.Create => 'c',
        FhirInteraction.Update or FhirInteraction.Patch => 'u',
        FhirInteraction.Delete => 'd',
        _ => throw new ArgumentOutOfRangeException(nameof(interaction)),
    };

    private static string Verb(FhirInteraction interaction) => interaction switch
    {
        FhirInteraction.VRead => "reading versions of",
        FhirInteraction.InstanceHistory or FhirInteraction.TypeHistory => "the history of",
        FhirInteraction.Search => "searching",
        _ => interaction.ToString().ToLowerInvariant() + " on",
    };

    private static string Example(FhirInteraction interaction, string? type) => $"user/{type ?? "*"}.{Letter(interaction)}";

    private static FhirError Unauthorized() => new(HttpStatusCode.Unauthorized, OperationOutcome.IssueType.Login,
        "This request needs an access token: send Authorization: Bearer <token> (see the CapabilityStatement's security for where to get one)");

    private static FhirError Forbidden(string diagnostics) => new(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, diagnostics);
}
