using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class PatchTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static StringContent JsonPatch(string patch) => FhirHttp.Raw(patch, "application/json-patch+json");

    private const string ReplaceGenderWithMale = """[{"op":"replace","path":"/gender","value":"male"}]""";

    private const string FhirPathReplaceGenderWithMale = """
        {"resourceType":"Parameters","parameter":[{"name":"operation","part":[
          {"name":"type","valueCode":"replace"},
          {"name":"path","valueString":"Patient.gender"},
          {"name":"value","valueCode":"male"}]}]}
        """;

    private async Task<string> PatientAsync(string extra = "")
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, """ "gender":"female" """ + extra);
        return id;
    }

    [Fact]
    public async Task Json_Patch_applies_the_operations_and_makes_a_new_version()
    {
        var id = await PatientAsync();

        var response = await _client.PatchAsync($"Patient/{id}", JsonPatch("""
            [{"op":"test","path":"/gender","value":"female"},
             {"op":"replace","path":"/gender","value":"male"},
             {"op":"add","path":"/birthDate","value":"1990-01-01"}]
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var patient = await (await _client.GetAsync($"Patient/{id}")).JsonAsync();
        Assert.Equal("male", (string?)patient["gender"]);
        Assert.Equal("1990-01-01", (string?)patient["birthDate"]);
        Assert.Equal("2", (string?)patient["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Json_Patch_whose_test_fails_is_refused_and_changes_nothing()
    {
        var id = await PatientAsync();

        var response = await _client.PatchAsync($"Patient/{id}", JsonPatch("""
            [{"op":"replace","path":"/gender","value":"male"},{"op":"test","path":"/gender","value":"female"}]
            """));

        Assert.True((int)response.StatusCode is 400 or 409 or 422, $"got {(int)response.StatusCode}");
        await FhirHttp.AssertOutcomeAsync(response, response.StatusCode);
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{id}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Json_Patch_that_is_not_JSON_is_400()
    {
        var id = await PatientAsync();
        await FhirHttp.AssertOutcomeAsync(await _client.PatchAsync($"Patient/{id}", JsonPatch("[{\"op\":")), HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Fact]
    public async Task Json_Patch_producing_an_invalid_resource_is_refused_and_changes_nothing()
    {
        var id = await PatientAsync();
        var response = await _client.PatchAsync($"Patient/{id}", JsonPatch("""[{"op":"add","path":"/birthDate","value":"yesterday"}]"""));
        Assert.True((int)response.StatusCode is 400 or 422, $"got {(int)response.StatusCode}");
        await FhirHttp.AssertOutcomeAsync(response, response.StatusCode, expressionContains: "birthDate");
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{id}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task FhirPath_Patch_removing_a_required_element_is_unprocessable_and_changes_nothing()
    {
        var id = FhirHttp.Unique();
        await _client.PutAsync($"Observation/{id}", FhirServerFactory.Json($$$"""{"resourceType":"Observation","id":"{{{id}}}","status":"final","code":{"text":"weight"}}"""));

        var response = await _client.PatchAsync($"Observation/{id}", FhirServerFactory.Json("""
            {"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Observation.status"}]}]}
            """));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity, expressionContains: "status");
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Observation/{id}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task FhirPath_Patch_in_a_Parameters_body_applies_and_makes_a_new_version()
    {
        var id = await PatientAsync();

        var response = await _client.PatchAsync($"Patient/{id}", FhirServerFactory.Json(FhirPathReplaceGenderWithMale));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        Assert.Equal("male", (string?)(await response.JsonAsync())["gender"]);
    }

    [Fact]
    public async Task FhirPath_Patch_in_XML_applies()
    {
        var id = await PatientAsync();
        var xml = """
            <Parameters xmlns="http://hl7.org/fhir"><parameter><name value="operation"/>
              <part><name value="type"/><valueCode value="add"/></part>
              <part><name value="path"/><valueString value="Patient"/></part>
              <part><name value="name"/><valueString value="birthDate"/></part>
              <part><name value="value"/><valueDate value="2001-02-03"/></part>
            </parameter></Parameters>
            """;
        var response = await _client.PatchAsync($"Patient/{id}", FhirServerFactory.Xml(xml), ("Accept", "application/fhir+json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2001-02-03", (string?)(await response.JsonAsync())["birthDate"]);
    }

    [Fact]
    public async Task FhirPath_Patch_with_a_body_that_is_not_Parameters_is_400()
    {
        var id = await PatientAsync();
        var response = await _client.PatchAsync($"Patient/{id}", FhirServerFactory.Json("""{"resourceType":"Patient","gender":"male"}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "Parameters");
    }

    [Fact]
    public async Task Patch_with_a_matching_If_Match_succeeds_and_with_a_stale_one_is_412()
    {
        var id = await PatientAsync();

        var stale = await _client.PatchAsync($"Patient/{id}", JsonPatch(ReplaceGenderWithMale), ("If-Match", "W/\"9\""));
        var ok = await _client.PatchAsync($"Patient/{id}", JsonPatch(ReplaceGenderWithMale), ("If-Match", "W/\"1\""));

        await FhirHttp.AssertOutcomeAsync(stale, HttpStatusCode.PreconditionFailed, "If-Match");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("W/\"2\"", ok.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Patch_of_an_unknown_resource_is_404_and_of_a_deleted_one_410()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PatchAsync($"Patient/{FhirHttp.Unique()}", JsonPatch(ReplaceGenderWithMale)), HttpStatusCode.NotFound);
        var id = await PatientAsync();
        await _client.DeleteAsync($"Patient/{id}");
        await FhirHttp.AssertOutcomeAsync(await _client.PatchAsync($"Patient/{id}", JsonPatch(ReplaceGenderWithMale)), HttpStatusCode.Gone);
    }

    [Fact]
    public async Task Patch_that_changes_the_id_is_refused()
    {
        var id = await PatientAsync();
        var response = await _client.PatchAsync($"Patient/{id}", JsonPatch("""[{"op":"replace","path":"/id","value":"another"}]"""));
        Assert.True((int)response.StatusCode is 400 or 422, $"got {(int)response.StatusCode}");
        await FhirHttp.AssertOutcomeAsync(response, response.StatusCode, "id", "Patient.id");
    }

    [Fact]
    public async Task Conditional_patch_with_one_match_patches_it()
    {
        var value = FhirHttp.Unique();
        var id = await PatientAsync($$""","identifier":[{"system":"urn:test:patch","value":"{{value}}"}]""");

        var response = await _client.PatchAsync($"Patient?identifier=urn:test:patch|{value}", JsonPatch(ReplaceGenderWithMale));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("male", (string?)(await (await _client.GetAsync($"Patient/{id}")).JsonAsync())["gender"]);
    }

    [Fact]
    public async Task Conditional_FhirPath_patch_with_one_match_patches_it()
    {
        var value = FhirHttp.Unique();
        var id = await PatientAsync($$""","identifier":[{"system":"urn:test:patch","value":"{{value}}"}]""");

        var response = await _client.PatchAsync($"Patient?identifier=urn:test:patch|{value}", FhirServerFactory.Json(FhirPathReplaceGenderWithMale));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("male", (string?)(await (await _client.GetAsync($"Patient/{id}")).JsonAsync())["gender"]);
    }

    [Fact]
    public async Task Conditional_patch_with_no_match_is_404_and_with_two_matches_412()
    {
        var value = FhirHttp.Unique();
        await FhirHttp.AssertOutcomeAsync(await _client.PatchAsync($"Patient?identifier=urn:test:patch|{value}", JsonPatch(ReplaceGenderWithMale)), HttpStatusCode.NotFound);

        var a = await PatientAsync($$""","identifier":[{"system":"urn:test:patch","value":"{{value}}"}]""");
        var b = await PatientAsync($$""","identifier":[{"system":"urn:test:patch","value":"{{value}}"}]""");
        await FhirHttp.AssertOutcomeAsync(await _client.PatchAsync($"Patient?identifier=urn:test:patch|{value}", JsonPatch(ReplaceGenderWithMale)), HttpStatusCode.PreconditionFailed);
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{a}")).Headers.ETag!.ToString());
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{b}")).Headers.ETag!.ToString());
    }

    [Theory]
    [InlineData("return=minimal", null)]
    [InlineData("return=representation", "Patient")]
    [InlineData("return=OperationOutcome", "OperationOutcome")]
    public async Task Patch_honours_Prefer_return(string prefer, string? bodyType)
    {
        var id = await PatientAsync();

        var response = await _client.PatchAsync($"Patient/{id}", JsonPatch(ReplaceGenderWithMale), ("Prefer", prefer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        if (bodyType is null) Assert.Empty(text);
        else Assert.Equal(bodyType, (string?)JsonNode.Parse(text)!["resourceType"]);
    }

    [Fact]
    public async Task Patch_with_an_unsupported_Content_Type_is_415()
    {
        var id = await PatientAsync();
        await FhirHttp.AssertOutcomeAsync(await _client.PatchAsync($"Patient/{id}", FhirHttp.Raw(ReplaceGenderWithMale, "text/plain")), HttpStatusCode.UnsupportedMediaType);
    }
}
