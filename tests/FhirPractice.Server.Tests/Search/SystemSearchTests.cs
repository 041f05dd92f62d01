using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;

namespace FhirPractice.Server.Tests.Search;

/// <summary>System search (<c>[base]?…</c>) over every type, narrowed by <c>_type</c>.</summary>
public sealed class SystemSearchTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private async Task<(string Tag, string Patient, string Observation, string Organization)> ArrangeAsync()
    {
        var tag = FhirHttp.Unique();
        var meta = $"\"meta\":{{\"tag\":[{{\"system\":\"urn:test\",\"code\":\"{tag}\"}}]}}";
        var patient = await _client.CreateAsync($$"""{"resourceType":"Patient",{{meta}},"name":[{"family":"Systemsearch"}],"gender":"female"}""");
        var observation = await _client.CreateAsync($$$"""{"resourceType":"Observation",{{{meta}}},"status":"final","code":{"text":"x"},"subject":{"reference":"{{{patient}}}"}}""");
        var organization = await _client.CreateAsync($$"""{"resourceType":"Organization",{{meta}},"name":"Systemsearch clinic"}""");
        return (tag, patient, observation, organization);
    }

    [Fact]
    public async Task A_system_search_finds_every_type_and_type_narrows_it()
    {
        var a = await ArrangeAsync();
        var q = $"?_tag=urn:test|{a.Tag}";

        Assert.Equal(Sorted(a.Patient, a.Observation, a.Organization), await _client.MatchesAsync(q));
        Assert.Equal(Sorted(a.Patient, a.Organization), await _client.MatchesAsync(q + "&_type=Patient,Organization"));
        Assert.Equal(Sorted(a.Patient, a.Organization), await _client.MatchesAsync(q + "&_type=Patient&_type=Organization"));
        Assert.Equal([a.Observation], await _client.MatchesAsync(q + "&_type=Observation"));
        var self = (string)(await _client.SearchAsync(q + "&_type=Patient,Organization"))["link"]![0]!["url"]!;
        Assert.Contains("_type=Patient%2COrganization", self);
    }

    [Fact]
    public async Task With_one_type_its_own_parameters_apply()
    {
        var a = await ArrangeAsync();

        Assert.Equal([a.Patient], await _client.MatchesAsync($"?_type=Patient&_tag=urn:test|{a.Tag}&gender=female&_sort=family"));
        Assert.Equal([a.Observation], await _client.MatchesAsync($"?_type=Observation&_tag=urn:test|{a.Tag}&subject:Patient.family=Systemsearch"));
    }

    [Fact]
    public async Task An_unknown_type_is_ignored_with_a_warning_or_refused_under_strict_handling()
    {
        var a = await ArrangeAsync();

        await _client.AssertIgnoredOrRefusedAsync($"?_tag=urn:test|{a.Tag}&_type=Patient,Nonsense", "_type",
            Sorted(a.Patient, a.Observation, a.Organization), "'Nonsense' is not a resource type");
        await _client.AssertIgnoredOrRefusedAsync($"Patient?_tag=urn:test|{a.Tag}&_type=Organization", "_type",
            [a.Patient], "system search only");
        // A parameter of one type is not a common one: with several types it cannot apply.
        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, "?_type=Patient,Organization&gender=female", null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, "gender");
    }
}
