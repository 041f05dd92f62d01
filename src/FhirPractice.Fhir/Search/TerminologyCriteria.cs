namespace FhirPractice.Fhir.Search;

/// <summary>
/// Replaces the criteria the parser could not finish alone — <c>:in</c>/<c>:not-in</c> (<see cref="ValueSetValue"/>)
/// and token <c>:above</c>/<c>:below</c> (<see cref="SubsumptionValue"/>) — with plain token criteria, by asking
/// <see cref="LocalTerminology"/>, in chained and _has queries too. A parameter that cannot be resolved is ignored
/// and reported (lenient) or refused with a 400 (strict). Stores only ever see the resolved query.
/// </summary>
public static class TerminologyCriteria
{
    /// <summary>Whether <paramref name="query"/> has criteria only <see cref="ResolveAsync"/> can make runnable.</summary>
    public static bool Needed(SearchQuery query) => query.Criteria.Any(Needed);

    private static bool Needed(SearchClause clause) => clause switch
    {
        SearchCriterion c => Needed(c),
        AnyOfClause any => any.Alternatives.Any(Needed),
        AllOfClause all => all.Clauses.Any(Needed),
        _ => false,
    };

    private static bool Needed(SearchCriterion c) => c.AnyOf.Any(v => v switch
    {
        ValueSetValue or SubsumptionValue => true,
        ChainValue chain => chain.Targets.Any(Needed),
        HasValue has => Needed(has.Source),
        _ => false,
    });

    public static async Task<ParsedSearch> ResolveAsync(ParsedSearch parsed, LocalTerminology terminology, bool strict, CancellationToken ct)
    {
        if (!Needed(parsed.Query)) return parsed;
        var criteria = new List<SearchClause>();
        var sources = new List<KeyValuePair<string, string>>();
        var applied = parsed.Applied.ToList();
        var ignored = parsed.Ignored.ToList();
        for (var i = 0; i < parsed.Query.Criteria.Count; i++)
        {
            // The parameters' criteria come first, in order; clauses after them (_type) need no terminology.
            if (i >= parsed.CriterionParameters.Count) { criteria.Add(parsed.Query.Criteria[i]); continue; }
            var source = parsed.CriterionParameters[i];
            var (criterion, failure) = await ResolveAsync((SearchCriterion)parsed.Query.Criteria[i], terminology, ct);
            if (criterion is not null) { criteria.Add(criterion); sources.Add(source); continue; }
            if (strict) throw FhirError.BadRequest($"Search parameter '{source.Key}': {failure}", source.Key);
            applied.Remove(source);
            ignored.Add((source.Key, failure!));
        }
        return parsed with { Query = parsed.Query with { Criteria = criteria }, Applied = applied, Ignored = ignored, CriterionParameters = sources };
    }

    private static async Task<(SearchCriterion?, string?)> ResolveAsync(SearchCriterion c, LocalTerminology terminology, CancellationToken ct)
    {
        if (!Needed(c)) return (c, null);
        switch (c.AnyOf)
        {
            case [ChainValue chain]:
            {
                var targets = new List<SearchQuery>();
                foreach (var target in chain.Targets)
                {
                    var (query, failure) = await ResolveAsync(target, terminology, ct);
                    if (query is null) return (null, failure);
                    targets.Add(query);
                }
                return (c with { AnyOf = [new ChainValue(targets)] }, null);
            }
            case [HasValue has]:
            {
                var (query, failure) = await ResolveAsync(has.Source, terminology, ct);
                return query is null ? (null, failure) : (c with { AnyOf = [new HasValue(query)] }, null);
            }
        }
        var values = new List<SearchValue>();
        foreach (var value in c.AnyOf)
        {
            var result = value switch
            {
                ValueSetValue vs => await terminology.ExpandValueSetAsync(vs.ValueSet, ct),
                SubsumptionValue s => await terminology.SubsumptionAsync(s.System, s.Code, s.Below, ct),
                _ => new LocalTerminology.Result([], null),
            };
            if (result.Codes is null) return (null, result.Failure);
            if (value is ValueSetValue or SubsumptionValue) values.AddRange(result.Codes);
            else values.Add(value);
        }
        // The codes are plain token alternatives; :not-in is :not of them.
        return (c with { Modifier = c.Modifier == "not-in" ? "not" : null, AnyOf = values.Distinct().ToList() }, null);
    }

    private static async Task<(SearchQuery?, string?)> ResolveAsync(SearchQuery query, LocalTerminology terminology, CancellationToken ct)
    {
        var criteria = new List<SearchClause>();
        foreach (var clause in query.Criteria)
        {
            // The parser's queries hold criteria only; the other clauses come from the engine and need no terminology.
            if (clause is not SearchCriterion c) { criteria.Add(clause); continue; }
            var (resolved, failure) = await ResolveAsync(c, terminology, ct);
            if (resolved is null) return (null, failure);
            criteria.Add(resolved);
        }
        return (query with { Criteria = criteria }, null);
    }
}
