using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Access;

/// <summary>
/// The rewriter that applies an access constraint to a search tree: the searched resources and, at every depth,
/// the targets of a chain and the sources of a <c>_has</c> each get the constraint of their own type, so that no
/// predicate can test (and so reveal) a resource the caller may not reach.
/// </summary>
public static class SearchConstraints
{
    /// <param name="constraint">The clause resources of a type (null: of any type) must meet, or null for none.</param>
    public static SearchQuery Apply(SearchQuery query, Func<string?, SearchClause?> constraint)
    {
        var criteria = query.Criteria.Select(c => Nested(c, constraint)).ToList();
        if (constraint(query.Type) is { } own) criteria.Add(own);
        return query with { Criteria = criteria };
    }

    private static SearchClause Nested(SearchClause clause, Func<string?, SearchClause?> constraint) => clause switch
    {
        SearchCriterion c when c.AnyOf.Any(v => v is ChainValue or HasValue) => c with
        {
            AnyOf = [.. c.AnyOf.Select(v => v switch
            {
                ChainValue chain => new ChainValue([.. chain.Targets.Select(t => Apply(t, constraint))]),
                HasValue has => new HasValue(Apply(has.Source, constraint)),
                _ => v,
            })],
        },
        AnyOfClause any => new AnyOfClause([.. any.Alternatives.Select(a => Nested(a, constraint))]),
        AllOfClause all => new AllOfClause([.. all.Clauses.Select(a => Nested(a, constraint))]),
        _ => clause,
    };
}
