using System.Text;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Storage.Sqlite.Tests;

/// <summary>How the store compiles the nodes of the filter tree beyond plain criteria: any-of and resource identity.</summary>
public sealed class FilterTreeTests : TempStoreTests
{
    private static readonly SearchParameterInfo Subject = new("subject", "Observation", SearchParamType.Reference, "Observation.subject", null, ["Patient"]);
    private static readonly SearchParameterInfo Performer = new("performer", "Observation", SearchParamType.Reference, "Observation.performer", null, ["Patient"]);
    private static readonly SearchParameterInfo Actor = new("actor", "Appointment", SearchParamType.Reference, "Appointment.participant.actor", null, ["Patient"]);
    private static readonly SearchParameterInfo Code = new("code", "Observation", SearchParamType.Token, "Observation.code", null, []);

    public override async System.Threading.Tasks.Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.WriteAsync(tx =>
        {
            void Write(string type, string id, params IndexEntry[] entries) => tx.Write(new ResourceWrite(type, id, 1, tx.Timestamp, "POST",
                Encoding.UTF8.GetBytes($$"""{"resourceType":"{{type}}","id":"{{id}}"}"""), entries));
            Write("Patient", "p1");
            Write("Patient", "p2");
            Write("Observation", "by-subject", new ReferenceIndexEntry("subject", "Patient", "p1", null, null), new TokenIndexEntry("code", null, "a", null));
            Write("Observation", "by-performer", new ReferenceIndexEntry("subject", "Patient", "p2", null, null), new ReferenceIndexEntry("performer", "Patient", "p1", null, null),
                new TokenIndexEntry("code", null, "b", null));
            Write("Observation", "other", new ReferenceIndexEntry("subject", "Patient", "p2", null, null), new TokenIndexEntry("code", null, "c", null));
            Write("Appointment", "visit", new ReferenceIndexEntry("actor", "Patient", "p1", null, null));
            return 0;
        });
    }

    private async Task<List<string>> Matches(string? type, params SearchClause[] clauses) =>
        (await Store.SearchAsync(new SearchQuery(type, clauses, 100))).Matches.Select(m => $"{m.Type}/{m.Id}").Order(StringComparer.Ordinal).ToList();

    private static SearchCriterion RefersTo(SearchParameterInfo param, string? id) => new(param, null, [new ReferenceValue("Patient", id, null)]);

    [Fact]
    public async System.Threading.Tasks.Task Any_of_several_reference_parameters_to_one_target_matches_each_of_them()
    {
        Assert.Equal(["Observation/by-performer", "Observation/by-subject"],
            await Matches("Observation", new AnyOfClause([RefersTo(Subject, "p1"), RefersTo(Performer, "p1")])));
    }

    [Fact]
    public async System.Threading.Tasks.Task Without_a_type_each_parameter_applies_to_its_own_type_and_a_resource_clause_adds_the_focal_resource()
    {
        var compartment = new AnyOfClause([new ResourceClause("Patient", "p1"), RefersTo(Subject, "p1"), RefersTo(Performer, "p1"), RefersTo(Actor, "p1")]);

        Assert.Equal(["Appointment/visit", "Observation/by-performer", "Observation/by-subject", "Patient/p1"], await Matches(null, compartment));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_reference_without_an_id_matches_any_resource_of_the_type()
    {
        Assert.Equal(["Observation/by-performer", "Observation/by-subject", "Observation/other"],
            await Matches("Observation", new AnyOfClause([RefersTo(Subject, null), RefersTo(Performer, null)])));
    }

    [Fact]
    public async System.Threading.Tasks.Task Any_of_mixed_criteria_ors_them_and_combines_with_the_other_clauses_by_and()
    {
        var codeA = new SearchCriterion(Code, null, [new TokenValue(null, "a")]);
        var codeC = new SearchCriterion(Code, null, [new TokenValue(null, "c")]);

        Assert.Equal(["Observation/by-subject", "Observation/other"], await Matches("Observation", new AnyOfClause([codeA, codeC])));
        Assert.Equal(["Observation/other"], await Matches("Observation", new AnyOfClause([codeA, codeC]), RefersTo(Subject, "p2")));
        Assert.Equal(["Observation/by-performer", "Observation/other"],
            await Matches(null, new AnyOfClause([new ResourceClause("Observation", null)]), RefersTo(Subject, "p2")));
    }

    [Fact]
    public async System.Threading.Tasks.Task An_empty_any_of_matches_nothing()
    {
        Assert.Empty(await Matches(null, new AnyOfClause([])));
    }
}
