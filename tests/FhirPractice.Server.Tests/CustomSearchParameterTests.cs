using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class CustomSearchParameterTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static readonly (string, string) Strict = ("Prefer", "handling=strict");

    /// <summary>An active token SearchParameter on Patient for the given use of identifier, under a code unique to the test.</summary>
    private static string IdentifierParameter(string code, string status = "active") => $$"""
        {"resourceType":"SearchParameter","url":"http://example.org/SearchParameter/{{code}}","name":"X","status":"{{status}}",
         "description":"test","code":"{{code}}","base":["Patient"],"type":"token",
         "expression":"Patient.identifier.where(system = 'urn:test:{{code}}')"}
        """;

    private async Task<string> CreateAsync(HttpClient client, string type, string json)
    {
        var response = await client.PostAsync(type, FhirServerFactory.Json(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.JsonAsync())["id"]!;
    }

    private static async Task<List<string>> MatchIdsAsync(HttpClient client, string url)
    {
        var response = await client.SendAsync(HttpMethod.Get, url, null, Strict);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return ((await response.JsonAsync())["entry"]?.AsArray() ?? []).Where(e => (string?)e!["search"]!["mode"] == "match")
            .Select(e => (string)e!["resource"]!["id"]!).Order(StringComparer.Ordinal).ToList();
    }

    private static string Patient(string code, string value) =>
        $$"""{"resourceType":"Patient","identifier":[{"system":"urn:test:{{code}}","value":"{{value}}"}]}""";

    [Fact]
    public async Task The_preferred_language_parameter_from_conformance_finds_patients_by_their_preferred_language_only()
    {
        var spanish = await CreateAsync(_client, "Patient", """
            {"resourceType":"Patient","communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"es"}]},"preferred":true}]}
            """);
        var englishSpeaksSpanish = await CreateAsync(_client, "Patient", """
            {"resourceType":"Patient","communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"en"}]},"preferred":true},
             {"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"es"}]}}]}
            """);

        var preferred = await MatchIdsAsync(_client, "Patient?preferred-language=urn:ietf:bcp:47|es");
        var speaks = await MatchIdsAsync(_client, "Patient?language=urn:ietf:bcp:47|es");

        Assert.Contains(spanish, preferred);
        Assert.DoesNotContain(englishSpeaksSpanish, preferred);
        Assert.Contains(englishSpeaksSpanish, speaks);
    }

    [Fact]
    public async Task A_posted_active_SearchParameter_applies_to_the_next_write_and_to_metadata()
    {
        var code = "x" + FhirHttp.Unique();
        var before = await _client.SendAsync(HttpMethod.Get, $"Patient?{code}=1", null, Strict);
        await FhirHttp.AssertOutcomeAsync(before, HttpStatusCode.BadRequest, code);

        await CreateAsync(_client, "SearchParameter", IdentifierParameter(code));
        var patient = await CreateAsync(_client, "Patient", Patient(code, "1"));
        await CreateAsync(_client, "Patient", Patient(code, "2"));

        Assert.Equal([patient], await MatchIdsAsync(_client, $"Patient?{code}=1"));
        var metadata = await (await _client.GetAsync("metadata")).JsonAsync();
        var patientParams = metadata["rest"]![0]!["resource"]!.AsArray().Single(r => (string?)r!["type"] == "Patient")!["searchParam"]!.AsArray();
        Assert.Contains(patientParams, p => (string?)p!["name"] == code && (string?)p["definition"] == $"http://example.org/SearchParameter/{code}");
    }

    [Fact]
    public async Task Draft_parameters_are_not_used_until_made_active_and_a_deleted_one_is_gone()
    {
        var code = "x" + FhirHttp.Unique();
        var put = await _client.PutAsync($"SearchParameter/{code}", FhirServerFactory.Json(IdentifierParameter(code, "draft").Replace("{\"resourceType\":\"SearchParameter\",", $"{{\"resourceType\":\"SearchParameter\",\"id\":\"{code}\",")));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, $"Patient?{code}=1", null, Strict), HttpStatusCode.BadRequest, code);

        var active = IdentifierParameter(code).Replace("{\"resourceType\":\"SearchParameter\",", $"{{\"resourceType\":\"SearchParameter\",\"id\":\"{code}\",");
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync($"SearchParameter/{code}", FhirServerFactory.Json(active))).StatusCode);
        var patient = await CreateAsync(_client, "Patient", Patient(code, "1"));
        Assert.Equal([patient], await MatchIdsAsync(_client, $"Patient?{code}=1"));

        Assert.Equal(HttpStatusCode.OK, (await _client.DeleteAsync($"SearchParameter/{code}")).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, $"Patient?{code}=1", null, Strict), HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task A_SearchParameter_in_a_transaction_applies_once_the_transaction_is_committed()
    {
        var code = "x" + FhirHttp.Unique();
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{{{IdentifierParameter(code)}}},"request":{"method":"POST","url":"SearchParameter"}}]}
            """;
        var response = await _client.PostAsync("", FhirServerFactory.Json(bundle));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        var patient = await CreateAsync(_client, "Patient", Patient(code, "7"));
        Assert.Equal([patient], await MatchIdsAsync(_client, $"Patient?{code}=7"));
    }

    public static TheoryData<string, string, string> Unusable => new()
    {
        { """ "code":"_mine","base":["Patient"],"type":"token","expression":"Patient.gender" """, "SearchParameter.code", "not starting with '_'" },
        { """ "code":"a.b","base":["Patient"],"type":"token","expression":"Patient.gender" """, "SearchParameter.code", "not usable" },
        { """ "code":"mine","base":["Resource"],"type":"token","expression":"Patient.gender" """, "SearchParameter.base", "not a concrete resource type" },
        { """ "code":"mine","base":["Patient"],"type":"composite","expression":"Patient.gender" """, "SearchParameter.type", "not supported" },
        { """ "code":"mine","base":["Patient"],"type":"token" """, "SearchParameter.expression", "expression is required" },
        { """ "code":"mine","base":["Patient"],"type":"token","expression":"Patient.gender.where(" """, "SearchParameter.expression", "not a FHIRPath expression" },
        { """ "code":"mine","base":["Patient"],"type":"token","expression":"Patient.gender.noSuchFunction()" """, "SearchParameter.expression", "not a FHIRPath expression" },
        { """ "code":"family","base":["Patient"],"type":"string","expression":"Patient.name.family" """, "SearchParameter.code", "built-in search parameter of Patient" },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public async Task An_unusable_SearchParameter_is_refused_with_422_naming_the_element(string fields, string element, string diagnostics)
    {
        var json = $$"""{"resourceType":"SearchParameter","url":"http://example.org/SearchParameter/bad","name":"Bad","status":"active","description":"bad",{{fields}}}""";

        var response = await _client.PostAsync("SearchParameter", FhirServerFactory.Json(json));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity, diagnostics, element);
    }

    [Theory]
    [InlineData(""" "base":["Patient"],"type":"token","expression":"Patient.gender" """, "code")]
    [InlineData(""" "code":"mine","type":"token","expression":"Patient.gender" """, "base")]
    [InlineData(""" "code":"mine","base":["Patient"],"expression":"Patient.gender" """, "type")]
    public async Task A_SearchParameter_without_a_required_element_is_refused_with_400_naming_it(string fields, string element)
    {
        var json = $$"""{"resourceType":"SearchParameter","url":"http://example.org/SearchParameter/bad","name":"Bad","status":"active","description":"bad",{{fields}}}""";

        var response = await _client.PostAsync("SearchParameter", FhirServerFactory.Json(json));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, element, element);
    }

    [Fact]
    public async Task A_code_taken_by_another_custom_parameter_on_the_same_base_is_refused_but_a_retired_copy_is_stored()
    {
        var code = "x" + FhirHttp.Unique();
        await CreateAsync(_client, "SearchParameter", IdentifierParameter(code));

        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("SearchParameter", FhirServerFactory.Json(IdentifierParameter(code))),
            HttpStatusCode.UnprocessableEntity, "defined by SearchParameter/", "SearchParameter.code");
        await CreateAsync(_client, "SearchParameter", IdentifierParameter(code, "retired"));
    }

    [Fact]
    public async Task Posted_SearchParameters_survive_a_restart()
    {
        using var database = new TemporaryDatabase();
        var code = "x" + FhirHttp.Unique();
        string patient;
        using (var first = new RestartableServerFactory(database.Path))
        {
            await CreateAsync(first.Client, "SearchParameter", IdentifierParameter(code));
            patient = await CreateAsync(first.Client, "Patient", Patient(code, "1"));
        }
        using var second = new RestartableServerFactory(database.Path);
        Assert.Equal([patient], await MatchIdsAsync(second.Client, $"Patient?{code}=1"));
    }
}
