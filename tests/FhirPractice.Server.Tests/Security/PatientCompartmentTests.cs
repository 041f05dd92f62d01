using System.Net;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Security;

/// <summary>
/// A patient-context token (patient pa, Alpha) is confined to Alpha's compartment on every path: reads of Beta's data
/// are "not known" (404), searches, chains, _has, includes and $everything never show or test Beta's data, writes cannot
/// reach it. Each refusal has its control: the same question with an unconfined token finds what Alpha's must not.
/// </summary>
public sealed class PatientCompartmentTests(SecuredServerFactory server) : IClassFixture<SecuredServerFactory>
{
    private static readonly TestToken Alpha = new("openid fhirUser launch/patient offline_access patient/Patient.rs patient/Observation.rs", "pa");
    /// <summary>Writes as patient pc (Carol), so that Alpha's data stays as seeded.</summary>
    private static readonly TestToken CarolWriter = new("patient/Patient.rs patient/Observation.cruds", "pc");

    private Task<HttpClient> AlphaAsync() => server.ClientAsync(Alpha);
    private Task<HttpClient> AdminAsync() => server.ClientAsync(SecuredServerFactory.Admin);

    [Theory]
    [InlineData("Patient/pa")]
    [InlineData("Observation/oa-lab")]
    [InlineData("Observation/oa-lab/_history/1")]
    [InlineData("Patient/pa/_history")]
    public async Task The_token_reads_its_own_patients_data(string url)
    {
        var response = await (await AlphaAsync()).GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Patient/pb")]
    [InlineData("Observation/ob-lab")]
    [InlineData("Observation/ob-lab/_history/1")]
    [InlineData("Observation/ob-lab/_history")]
    [InlineData("Patient/pb/_history/1")]
    [InlineData("Patient/pb/$everything")]
    [InlineData("Patient/pb/Observation")]
    [InlineData("Patient/pb/*")]
    public async Task Another_patients_data_is_not_known(string url)
    {
        Assert.Equal(HttpStatusCode.OK, (await (await AdminAsync()).GetAsync(url)).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await (await AlphaAsync()).GetAsync(url), HttpStatusCode.NotFound, "is not known");
    }

    [Fact]
    public async Task Search_finds_only_the_patients_own_resources()
    {
        var alpha = await AlphaAsync();
        Assert.Equal(["Observation/oa-about-b", "Observation/oa-lab", "Observation/oa-vital"], await alpha.MatchesAsync("Observation"));
        Assert.Equal(["Patient/pa"], await alpha.MatchesAsync("Patient"));
        Assert.Empty(await alpha.MatchesAsync("Observation?subject=Patient/pb"));
        Assert.Empty(await alpha.MatchesAsync("Patient?name=Beta"));
        Assert.Equal(["Observation/oa-about-b", "Observation/oa-lab", "Observation/oa-vital", "Patient/pa"], await alpha.MatchesAsync("?_type=Patient,Observation"));
    }

    [Fact]
    public async Task A_chain_does_not_test_another_patient()
    {
        // Alpha's oa-about-b names Beta as performer: the chain would tell Alpha that Beta is called Beta.
        const string url = "Observation?performer:Patient.name=Beta";
        Assert.Contains("Observation/oa-about-b", await (await AdminAsync()).MatchesAsync(url));
        Assert.Empty(await (await AlphaAsync()).MatchesAsync(url));
        Assert.Equal(["Observation/oa-about-b", "Observation/oa-lab", "Observation/oa-vital"],
            await (await AlphaAsync()).MatchesAsync("Observation?subject:Patient.name=Alpha"));
    }

    [Fact]
    public async Task Has_does_not_test_what_the_token_may_not_read()
    {
        // The token has no Condition scope: _has must not tell it that Alpha has diabetes.
        const string url = "Patient?_has:Condition:subject:code:text=diabetes";
        Assert.Equal(["Patient/pa"], await (await AdminAsync()).MatchesAsync(url));
        Assert.Empty(await (await AlphaAsync()).MatchesAsync(url));
        // Beta's observation whose focus is Alpha is outside Alpha's compartment.
        const string focus = "Patient?_has:Observation:focus:code=1234-5";
        Assert.Equal(["Patient/pa"], await (await AdminAsync()).MatchesAsync(focus));
        Assert.Empty(await (await AlphaAsync()).MatchesAsync(focus));
    }

    [Fact]
    public async Task Include_leaves_out_another_patient()
    {
        const string url = "Observation?_id=oa-about-b&_include=Observation:performer";
        Assert.Equal(["Patient/pb"], SearchHttp.Matches(await (await AdminAsync()).SearchAsync(url), "include"));
        var bundle = await (await AlphaAsync()).SearchAsync(url);
        Assert.Equal(["Observation/oa-about-b"], SearchHttp.Matches(bundle));
        Assert.Empty(SearchHttp.Matches(bundle, "include"));
    }

    [Fact]
    public async Task Revinclude_leaves_out_another_patients_resources_and_unscoped_types()
    {
        const string url = "Patient?_id=pa&_revinclude=Observation:focus&_revinclude=Condition:subject";
        Assert.Equal(["Condition/ca", "Observation/ob-focus"], SearchHttp.Matches(await (await AdminAsync()).SearchAsync(url), "include"));
        Assert.Empty(SearchHttp.Matches(await (await AlphaAsync()).SearchAsync(url), "include"));
    }

    [Fact]
    public async Task Everything_is_the_patients_compartment_as_far_as_the_scopes_go()
    {
        var all = SearchHttp.Matches(await (await AdminAsync()).SearchAsync("Patient/pa/$everything"));
        Assert.Contains("Condition/ca", all);
        var bundle = await (await AlphaAsync()).SearchAsync("Patient/pa/$everything");
        Assert.Equal(["Observation/oa-about-b", "Observation/oa-lab", "Observation/oa-vital", "Patient/pa"], SearchHttp.Matches(bundle));
        // The practitioner the observations refer to is not within the token's scopes either.
        Assert.Empty(SearchHttp.Matches(bundle, "include"));
        // Every patient's $everything is this patient's.
        Assert.Equal(["Observation/oa-about-b", "Observation/oa-lab", "Observation/oa-vital", "Patient/pa"],
            SearchHttp.Matches(await (await AlphaAsync()).SearchAsync("Patient/$everything")));
    }

    [Fact]
    public async Task Compartment_search_on_the_own_patient_works()
    {
        Assert.Equal(["Observation/oa-about-b", "Observation/oa-lab", "Observation/oa-vital"], await (await AlphaAsync()).MatchesAsync("Patient/pa/Observation"));
    }

    [Fact]
    public async Task History_of_a_type_or_the_server_is_refused()
    {
        await FhirHttp.AssertOutcomeAsync(await (await AlphaAsync()).GetAsync("Observation/_history"), HttpStatusCode.Forbidden, "history");
        await FhirHttp.AssertOutcomeAsync(await (await AlphaAsync()).GetAsync("_history"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Batch_entries_are_each_confined()
    {
        const string batch = """
            {"resourceType":"Bundle","type":"batch","entry":[
              {"request":{"method":"GET","url":"Patient/pa"}},
              {"request":{"method":"GET","url":"Patient/pb"}},
              {"request":{"method":"GET","url":"Condition/ca"}}]}
            """;
        var response = await (await AlphaAsync()).PostAsync("", FhirServerFactory.Json(batch));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var statuses = (await response.JsonAsync())["entry"]!.AsArray().Select(e => ((string)e!["response"]!["status"]!)[..3]).ToList();
        Assert.Equal(["200", "404", "403"], statuses);
    }

    [Fact]
    public async Task A_transaction_that_writes_into_another_patients_compartment_is_refused_whole()
    {
        var id = FhirHttp.Unique();
        var transaction = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Observation","id":"{{{id}}}","status":"final","code":{"text":"ok"},"subject":{"reference":"Patient/pc"}},"request":{"method":"PUT","url":"Observation/{{{id}}}"}},
              {"resource":{"resourceType":"Observation","status":"final","code":{"text":"not mine"},"subject":{"reference":"Patient/pb"}},"request":{"method":"POST","url":"Observation"}}]}
            """;
        var writer = await server.ClientAsync(CarolWriter);
        await FhirHttp.AssertOutcomeAsync(await writer.PostAsync("", FhirServerFactory.Json(transaction)), HttpStatusCode.Forbidden, "outside");
        Assert.Equal(HttpStatusCode.NotFound, (await writer.GetAsync($"Observation/{id}")).StatusCode);
        // A transaction entry the token has no scope for is refused before anything is written.
        var condition = """
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Condition","code":{"text":"x"},"subject":{"reference":"Patient/pc"}},"request":{"method":"POST","url":"Condition"}}]}
            """;
        await FhirHttp.AssertOutcomeAsync(await writer.PostAsync("", FhirServerFactory.Json(condition)), HttpStatusCode.Forbidden, "Condition");
    }

    [Fact]
    public async Task Writes_stay_in_the_patients_compartment()
    {
        var writer = await server.ClientAsync(CarolWriter);
        var own = await writer.PostAsync("Observation", FhirServerFactory.Json("""{"resourceType":"Observation","status":"final","code":{"text":"mine"},"subject":{"reference":"Patient/pc"}}"""));
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        await FhirHttp.AssertOutcomeAsync(await writer.PostAsync("Observation",
            FhirServerFactory.Json("""{"resourceType":"Observation","status":"final","code":{"text":"theirs"},"subject":{"reference":"Patient/pb"}}""")), HttpStatusCode.Forbidden);
        // Moving one of Carol's observations to Beta, and changing or deleting Beta's, are refused.
        var id = FhirHttp.Unique();
        Assert.Equal(HttpStatusCode.Created, (await writer.PutAsync($"Observation/{id}", FhirServerFactory.Json(
            $$$"""{"resourceType":"Observation","id":"{{{id}}}","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/pc"}}"""))).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await writer.PutAsync($"Observation/{id}", FhirServerFactory.Json(
            $$$"""{"resourceType":"Observation","id":"{{{id}}}","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/pb"}}""")), HttpStatusCode.Forbidden);
        await FhirHttp.AssertOutcomeAsync(await writer.PutAsync("Observation/ob-lab", FhirServerFactory.Json(
            """{"resourceType":"Observation","id":"ob-lab","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/pc"}}""")), HttpStatusCode.Forbidden);
        await FhirHttp.AssertOutcomeAsync(await writer.DeleteAsync("Observation/ob-lab"), HttpStatusCode.Forbidden);
        await FhirHttp.AssertOutcomeAsync(await writer.PatchAsync("Observation/ob-lab",
            FhirHttp.Raw("""[{"op":"replace","path":"/status","value":"amended"}]""", "application/json-patch+json")), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await (await AdminAsync()).GetAsync("Observation/ob-lab/_history/1")).StatusCode);
        var current = await (await (await AdminAsync()).GetAsync("Observation/ob-lab")).JsonAsync();
        Assert.Equal("Patient/pb", (string?)current["subject"]!["reference"]);
        Assert.Equal("final", (string?)current["status"]);
    }

    [Fact]
    public async Task A_conditional_write_cannot_probe_another_patient()
    {
        var writer = await server.ClientAsync(CarolWriter);
        // Beta's ob-lab matches _id=ob-lab for the admin; for Carol the condition matches nothing, so nothing of Beta's is deleted.
        var response = await writer.DeleteAsync("Observation?_id=ob-lab");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await (await AdminAsync()).GetAsync("Observation/ob-lab")).StatusCode);
    }
}
