using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public sealed partial class FhirEngine
{
    /// <summary>
    /// Compartment search, <c>[compartment type]/[id]/[type or *]</c>: the search of that type (every type for <c>*</c>)
    /// restricted to the compartment; its other parameters, includes, sorting and paging apply as usual.
    /// A compartment whose focal resource does not exist (or is deleted) is a 404; a type that can never be in the
    /// compartment (Patient/123/Organization) is a valid question with an empty answer.
    /// </summary>
    private async Task<FhirResponse> CompartmentSearchAsync(FhirRequest r, string compartmentType, string id, string target,
        IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        if (!_compartments.IsCompartment(compartmentType))
            throw FhirError.NotFound($"{compartmentType} is not a compartment (compartments: {string.Join(", ", _compartments.All.Select(c => c.Type))})");
        string? type = target == "*" ? null : target;
        if (type is not null && (!ModelInfo.IsKnownResource(type) || type is "Resource" or "DomainResource"))
            throw FhirError.NotFound($"Unknown resource type '{type}'");
        // What is searched is refused (403) before whose compartment it is looked at; the focal resource must be readable.
        Demand(r.Caller, type, FhirInteraction.Search);
        await EnsureReachableAsync(r.Caller, FhirInteraction.Read, compartmentType, id, ct);
        var scope = new SearchScope($"{compartmentType}/{id}/{target}", _compartments.Membership(compartmentType, id, type));
        return await SearchAsync(r, type, parameters, ct, scope);
    }

    /// <param name="Path">Where the search was asked, below the base, for the Bundle's links.</param>
    /// <param name="Clause">What every match must meet besides the request's parameters.</param>
    private sealed record SearchScope(string Path, SearchClause Clause);
}
