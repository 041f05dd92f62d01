using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;

namespace FhirPractice.Server.Tests;

/// <summary>Token :of-type, :in, :not-in, :above and :below (value sets and code systems held by the server).</summary>
public sealed class TokenModifierTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private const string V2 = "http://terminology.hl7.org/CodeSystem/v2-0203";

    private Task<string> ObservationAsync(string tag, string system, string code) =>
        _client.CreateAsync($$$"""
            {"resourceType":"Observation","status":"final","meta":{"tag":[{"system":"urn:test","code":"{{{tag}}}"}]},
             "code":{"coding":[{"system":"{{{system}}}","code":"{{{code}}}"}]}}
            """);

    /// <summary>A code system: disorder > infection > (viral, bacterial); disorder > injury.</summary>
    private async Task<string> CodeSystemAsync()
    {
        var url = "urn:test:cs:" + FhirHttp.Unique();
        await _client.CreateAsync($$$"""
            {"resourceType":"CodeSystem","url":"{{{url}}}","status":"active","content":"complete",
             "concept":[{"code":"disorder","concept":[{"code":"infection","concept":[{"code":"viral"},{"code":"bacterial"}]},{"code":"injury"}]}]}
            """);
        return url;
    }

    [Fact]
    public async Task Of_type_matches_the_identifier_type_and_value_together()
    {
        var tag = FhirHttp.Unique();
        string Patient(string type, string value) => $$$"""
            {"resourceType":"Patient","meta":{"tag":[{"system":"urn:test","code":"{{{tag}}}"}]},
             "identifier":[{"type":{"coding":[{"system":"{{{V2}}}","code":"{{{type}}}"}]},"system":"urn:test:ids","value":"{{{value}}}"}]}
            """;
        var mr = await _client.CreateAsync(Patient("MR", "12345"));
        var dl = await _client.CreateAsync(Patient("DL", "12345"));
        await _client.CreateAsync(Patient("MR", "99999"));
        var q = $"Patient?_tag=urn:test|{tag}&identifier:of-type=";

        Assert.Equal([mr], await _client.MatchesAsync(q + $"{V2}|MR|12345"));
        Assert.Equal([dl], await _client.MatchesAsync(q + $"{V2}|DL|12345"));
        Assert.Equal([mr], await _client.MatchesAsync(q + "|MR|12345"));  // any system of the type
        Assert.Empty(await _client.MatchesAsync(q + $"urn:other|MR|12345"));
        Assert.Equal(Sorted(mr, dl), await _client.MatchesAsync(q + $"{V2}|MR|12345,{V2}|DL|12345"));
    }

    [Fact]
    public async Task In_and_not_in_use_a_value_set_by_url_or_reference_from_concepts_expansion_or_a_whole_code_system()
    {
        var tag = FhirHttp.Unique();
        var cs = await CodeSystemAsync();
        var viral = await ObservationAsync(tag, cs, "viral");
        var injury = await ObservationAsync(tag, cs, "injury");
        var loinc = await ObservationAsync(tag, "http://loinc.org", "8480-6");

        var listed = "urn:test:vs:" + FhirHttp.Unique();
        var listedRef = await _client.CreateAsync($$$"""
            {"resourceType":"ValueSet","url":"{{{listed}}}","status":"active",
             "compose":{"include":[{"system":"{{{cs}}}","concept":[{"code":"viral"}]},{"system":"http://loinc.org","concept":[{"code":"8480-6"}]}]}}
            """);
        var expanded = "urn:test:vs:" + FhirHttp.Unique();
        await _client.CreateAsync($$$"""
            {"resourceType":"ValueSet","url":"{{{expanded}}}","status":"active",
             "expansion":{"timestamp":"2024-01-01T00:00:00Z","contains":[{"system":"{{{cs}}}","code":"injury"}]}}
            """);
        var whole = "urn:test:vs:" + FhirHttp.Unique();
        await _client.CreateAsync($$$"""
            {"resourceType":"ValueSet","url":"{{{whole}}}","status":"active",
             "compose":{"include":[{"system":"{{{cs}}}"}],"exclude":[{"system":"{{{cs}}}","concept":[{"code":"viral"}]}]}}
            """);
        var q = $"Observation?_tag=urn:test|{tag}&code";

        Assert.Equal(Sorted(viral, loinc), await _client.MatchesAsync($"{q}:in={listed}"));
        Assert.Equal(Sorted(viral, loinc), await _client.MatchesAsync($"{q}:in={listedRef}"));
        Assert.Equal([injury], await _client.MatchesAsync($"{q}:in={expanded}"));
        Assert.Equal([injury], await _client.MatchesAsync($"{q}:in={whole}"));
        Assert.Equal(Sorted(viral, injury, loinc), await _client.MatchesAsync($"{q}:in={listed},{expanded}"));
        Assert.Equal([injury], await _client.MatchesAsync($"{q}:not-in={listed}"));
        Assert.Equal(Sorted(viral, loinc), await _client.MatchesAsync($"{q}:not-in={whole}&code:not-in={expanded}"));
        // In a chain, too.
        var patient = await _client.CreateAsync($$$"""{"resourceType":"Patient","meta":{"tag":[{"system":"urn:test","code":"{{{tag}}}"}]}}""");
        var onPatient = await _client.CreateAsync($$$"""
            {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"{{{cs}}}","code":"viral"}]},"subject":{"reference":"{{{patient}}}"}}
            """);
        Assert.Equal([patient], await _client.MatchesAsync($"Patient?_tag=urn:test|{tag}&_has:Observation:subject:code:in={listed}"));
        Assert.Equal([onPatient], await _client.MatchesAsync($"Observation?subject._tag=urn:test|{tag}&code:in={listed}"));
    }

    [Fact]
    public async Task Above_and_below_follow_the_concept_hierarchy_of_a_code_system_held_here()
    {
        var tag = FhirHttp.Unique();
        var cs = await CodeSystemAsync();
        var disorder = await ObservationAsync(tag, cs, "disorder");
        var infection = await ObservationAsync(tag, cs, "infection");
        var viral = await ObservationAsync(tag, cs, "viral");
        var injury = await ObservationAsync(tag, cs, "injury");
        var q = $"Observation?_tag=urn:test|{tag}&code";

        Assert.Equal(Sorted(infection, viral), await _client.MatchesAsync($"{q}:below={cs}|infection"));
        Assert.Equal(Sorted(disorder, infection, viral, injury), await _client.MatchesAsync($"{q}:below={cs}|disorder"));
        Assert.Equal(Sorted(disorder, infection, viral), await _client.MatchesAsync($"{q}:above={cs}|viral"));
        Assert.Equal([injury], await _client.MatchesAsync($"{q}:below={cs}|injury"));
    }

    [Theory]
    [InlineData("code:in=urn:test:no-such-value-set", "not held")]
    [InlineData("code:not-in=ValueSet/no-such-id", "not held")]
    [InlineData("code:in=FILTERED", "filter")]
    [InlineData("code:below=urn:test:no-such-code-system|x", "not held")]
    [InlineData("code:above=infection", "system|code")]
    [InlineData("code:in=", "canonical")]
    [InlineData("identifier:of-type=MR|12345", "|code|value")]
    [InlineData("value-quantity:in=urn:test:vs", "not supported on quantity")]
    [InlineData("subject:of-type=a|b|c", "not supported on reference")]
    public async Task An_unusable_token_modifier_is_ignored_with_a_reason_or_refused_under_strict_handling(string parameter, string reason)
    {
        var tag = FhirHttp.Unique();
        var match = await ObservationAsync(tag, "http://loinc.org", "8480-6");
        if (parameter.Contains("FILTERED"))
        {
            var url = "urn:test:vs:" + FhirHttp.Unique();
            await _client.CreateAsync($$$"""
                {"resourceType":"ValueSet","url":"{{{url}}}","status":"active",
                 "compose":{"include":[{"system":"http://loinc.org","filter":[{"property":"COMPONENT","op":"=","value":"Glucose"}]}]}}
                """);
            parameter = parameter.Replace("FILTERED", url);
        }
        await _client.AssertIgnoredOrRefusedAsync($"Observation?_tag=urn:test|{tag}&{parameter}", parameter.Split('=')[0], [match], reason);
    }

    [Fact]
    public async Task A_conditional_create_refuses_value_set_modifiers()
    {
        var response = await _client.SendAsync(HttpMethod.Post, "Observation",
            FhirServerFactory.Json("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}"""), ("If-None-Exist", "code:in=urn:test:vs"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, ":in");
    }
}
