using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Access;

/// <summary>
/// Who may do what, as the engine asks it at its entry points. The engine knows no authorization scheme: it asks
/// whether an interaction is allowed at all (a refusal is a 401 or 403 <see cref="FhirError"/>), and for the clause
/// the reachable resources must meet, which it adds to every search tree it runs — the search itself, its chains
/// and <c>_has</c>, includes, compartments, reads of one resource and the resources a write leaves behind.
/// </summary>
public interface IAccessPolicy
{
    /// <summary>A 401 when the caller presented no (valid) credentials and must; null otherwise.</summary>
    FhirError? Authenticate(FhirCaller caller);

    /// <summary>
    /// The refusal (401, 403) when the caller may not perform <paramref name="interaction"/> on resources of
    /// <paramref name="type"/> — with <paramref name="type"/> null: on any type (a system-level search) — or null.
    /// </summary>
    FhirError? Check(FhirCaller caller, FhirInteraction interaction, string? type);

    /// <summary>
    /// The refusal when the caller may not perform <paramref name="interaction"/> on every resource, without any
    /// confinement (AuditEvent aside, whose access is its own): maintenance such as <c>$reindex</c>; or null.
    /// </summary>
    FhirError? CheckEverything(FhirCaller caller, FhirInteraction interaction);

    /// <summary>
    /// What a resource of <paramref name="type"/> (null: of any type, in a search over several) must also meet for the
    /// caller to reach it through <paramref name="interaction"/>: null when nothing, an empty <see cref="AnyOfClause"/>
    /// when no resource of the type is reachable.
    /// </summary>
    SearchClause? Constraint(FhirCaller caller, FhirInteraction interaction, string? type);
}

/// <summary>No restriction: the engine on its own (tests, tools) until a door's authorization is registered.</summary>
public sealed class UnrestrictedAccess : IAccessPolicy
{
    public FhirError? Authenticate(FhirCaller caller) => null;
    public FhirError? Check(FhirCaller caller, FhirInteraction interaction, string? type) => null;
    public FhirError? CheckEverything(FhirCaller caller, FhirInteraction interaction) => null;
    public SearchClause? Constraint(FhirCaller caller, FhirInteraction interaction, string? type) => null;
}
