using FhirPractice.Fhir.Search;

namespace FhirPractice.Fhir.Tests.Search;

/// <summary>The query model the parser builds for chained parameters and _has.</summary>
public sealed class ChainParserTests
{
    private static readonly SearchQueryParser Parser = new(new SearchParameterRegistry());

    private static SearchCriterion Single(string type, string name, string value)
    {
        var parsed = Parser.Parse(type, [new(name, value)], strict: true);
        return Only(parsed.Query);
    }

    /// <summary>The query's one clause, a criterion.</summary>
    private static SearchCriterion Only(SearchQuery query) => Assert.IsType<SearchCriterion>(Assert.Single(query.Criteria));

    [Fact]
    public void A_chain_without_a_type_has_one_nested_query_per_target_type_that_has_the_parameter()
    {
        var criterion = Single("Observation", "subject.name", "peter");
        Assert.Equal("subject", criterion.Param.Code);
        Assert.Null(criterion.Modifier);
        var chain = Assert.IsType<ChainValue>(Assert.Single(criterion.AnyOf));
        Assert.Equal(["Location", "Patient"], chain.Targets.Select(t => t.Type!).ToList());
        Assert.All(chain.Targets, t => Assert.Equal("name", Only(t).Param.Code));
    }

    [Fact]
    public void A_chain_over_several_hops_nests_and_keeps_the_last_modifier()
    {
        var criterion = Single("Encounter", "subject:Patient.organization.name:exact", "Acme");
        Assert.Equal("Patient", criterion.Modifier);
        var patient = Assert.Single(Assert.IsType<ChainValue>(Assert.Single(criterion.AnyOf)).Targets);
        var organization = Only(patient);
        Assert.Equal("organization", organization.Param.Code);
        var last = Only(Assert.Single(Assert.IsType<ChainValue>(Assert.Single(organization.AnyOf)).Targets));
        Assert.Equal(("name", "exact"), (last.Param.Code, last.Modifier));
        Assert.Equal(new StringValue("Acme"), Assert.Single(last.AnyOf));
    }

    [Fact]
    public void Has_is_a_criterion_on_the_source_reference_with_a_nested_query_on_the_source_type()
    {
        var criterion = Single("Patient", "_has:Observation:patient:_has:AuditEvent:entity:agent", "Practitioner/1");
        Assert.Equal(("patient", "_has"), (criterion.Param.Code, criterion.Modifier));
        var observation = Assert.IsType<HasValue>(Assert.Single(criterion.AnyOf)).Source;
        Assert.Equal("Observation", observation.Type);
        var audit = Assert.IsType<HasValue>(Assert.Single(Only(observation).AnyOf)).Source;
        Assert.Equal("AuditEvent", audit.Type);
        Assert.Equal(new ReferenceValue("Practitioner", "1", null), Assert.Single(Only(audit).AnyOf));
    }

    [Theory]
    [InlineData("subject.nosuch", "nosuch")]
    [InlineData("subject:Patient.organization.partof.partof.partof.name", "at most 4")]
    [InlineData("_has:Observation:patient:nosuch", "nosuch")]
    public void An_unusable_chain_is_ignored_with_a_reason(string name, string reason)
    {
        var parsed = Parser.Parse(name.StartsWith("_has", StringComparison.Ordinal) ? "Patient" : "Observation", [new(name, "x")], strict: false);
        Assert.Empty(parsed.Query.Criteria);
        Assert.Contains(reason, Assert.Single(parsed.Ignored).Reason);
    }
}
