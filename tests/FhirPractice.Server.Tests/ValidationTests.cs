using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class ValidationTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;
    private const string PracticePatient = "http://fhirpractice.org/fhir/StructureDefinition/practice-patient";

    private static string ClaimingPracticePatient(string? id = null, bool withBirthDate = true) =>
        $$"""
        {"resourceType":"Patient",{{(id is null ? "" : $"\"id\":\"{id}\",")}}
         "meta":{"profile":["{{PracticePatient}}"]},
         "identifier":[{"system":"urn:test:mrn","value":"{{FhirHttp.Unique()}}"}],
         "name":[{"family":"Smith","given":["Ann"]}]{{(withBirthDate ? ",\"birthDate\":\"1980-02-03\"" : "")}}}
        """;

    private static StringContent ValidateParameters(string resource, string mode) => FhirServerFactory.Json($$"""
        {"resourceType":"Parameters","parameter":[{"name":"resource","resource":{{resource}}},{"name":"mode","valueCode":"{{mode}}"}]}
        """);

    private static async Task<JsonNode> OutcomeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await response.JsonAsync();
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        return outcome;
    }

    private static bool HasErrors(JsonNode outcome) =>
        outcome["issue"]!.AsArray().Any(i => (string?)i!["severity"] is "error" or "fatal");

    [Fact]
    public async Task Profile_claiming_Patient_without_birthDate_is_422_naming_the_element_and_not_written()
    {
        var id = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json(ClaimingPracticePatient(id, withBirthDate: false)));

        var outcome = await FhirHttp.AssertOutcomeAsync(response, (HttpStatusCode)422);
        Assert.Contains(outcome["issue"]!.AsArray(), i => (string?)i!["severity"] == "error"
            && (((string?)i["diagnostics"])!.Contains("birthDate") || i["expression"]!.AsArray().Any(e => ((string?)e)!.Contains("birthDate"))));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Profile_claiming_Patient_that_conforms_is_201()
    {
        var response = await _client.PostAsync("Patient", FhirServerFactory.Json(ClaimingPracticePatient()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Validate_type_level_with_a_bare_resource_reports_success()
    {
        var outcome = await OutcomeAsync(await _client.PostAsync("Patient/$validate", FhirServerFactory.Json(ClaimingPracticePatient())));
        Assert.False(HasErrors(outcome), outcome.ToJsonString());
    }

    [Fact]
    public async Task Validate_type_level_reports_profile_errors_as_200_with_the_outcome_and_writes_nothing()
    {
        var id = FhirHttp.Unique();
        var outcome = await OutcomeAsync(await _client.PostAsync("Patient/$validate", FhirServerFactory.Json(ClaimingPracticePatient(id, withBirthDate: false))));

        Assert.True(HasErrors(outcome), outcome.ToJsonString());
        Assert.Contains("birthDate", outcome.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Validate_of_a_narrative_with_script_is_an_error_naming_the_div()
    {
        // The body parses; $validate answers 200 with the NarrativeGuard's error as its finding.
        var response = await _client.PostAsync("Patient/$validate", FhirServerFactory.Json("""
            {"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>"}}
            """));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.OK, "script", "Patient.text.div");
    }

    [Theory]
    [InlineData("create")]
    [InlineData("update")]
    public async Task Validate_with_a_Parameters_body_takes_the_resource_and_mode(string mode)
    {
        var outcome = await OutcomeAsync(await _client.PostAsync("Patient/$validate", ValidateParameters(ClaimingPracticePatient(FhirHttp.Unique()), mode)));
        Assert.False(HasErrors(outcome), outcome.ToJsonString());
    }

    [Fact]
    public async Task Validate_with_mode_in_the_query_is_honoured()
    {
        var response = await _client.PostAsync("Patient/$validate?mode=update", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "id", "Patient.id");
    }

    [Fact]
    public async Task Validate_mode_update_without_an_id_is_400()
    {
        var response = await _client.PostAsync("Patient/$validate", ValidateParameters("""{"resourceType":"Patient","active":true}""", "update"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "id", "Patient.id");
    }

    [Fact]
    public async Task Validate_instance_level_mode_update_checks_the_id_against_the_url()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);

        var ok = await _client.PostAsync($"Patient/{id}/$validate", ValidateParameters($$"""{"resourceType":"Patient","id":"{{id}}"}""", "update"));
        var mismatch = await _client.PostAsync($"Patient/{id}/$validate", ValidateParameters("""{"resourceType":"Patient","id":"other"}""", "update"));

        Assert.False(HasErrors(await OutcomeAsync(ok)));
        await FhirHttp.AssertOutcomeAsync(mismatch, HttpStatusCode.BadRequest, "does not match", "Patient.id");
    }

    [Fact]
    public async Task Validate_instance_level_with_a_bare_resource_works()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        var outcome = await OutcomeAsync(await _client.PostAsync($"Patient/{id}/$validate", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}""")));
        Assert.False(HasErrors(outcome));
    }

    [Fact]
    public async Task Validate_mode_delete_on_an_existing_instance_succeeds_and_deletes_nothing()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);

        var outcome = await OutcomeAsync(await _client.PostAsync($"Patient/{id}/$validate",
            FhirServerFactory.Json("""{"resourceType":"Parameters","parameter":[{"name":"mode","valueCode":"delete"}]}""")));

        Assert.False(HasErrors(outcome));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Validate_mode_delete_on_an_unknown_instance_is_404_and_at_type_level_400()
    {
        var body = """{"resourceType":"Parameters","parameter":[{"name":"mode","valueCode":"delete"}]}""";
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Patient/{FhirHttp.Unique()}/$validate", FhirServerFactory.Json(body)), HttpStatusCode.NotFound);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient/$validate", FhirServerFactory.Json(body)), HttpStatusCode.BadRequest, "instance");
    }

    [Fact]
    public async Task Validate_with_an_unknown_mode_is_400()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient/$validate", ValidateParameters("""{"resourceType":"Patient","active":true}""", "upsert")),
            HttpStatusCode.BadRequest, "upsert", "mode");
    }

    [Fact]
    public async Task Validate_of_a_resource_of_another_type_is_400()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient/$validate", FhirServerFactory.Json("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""")),
            HttpStatusCode.BadRequest, "Observation", "resourceType");
    }

    [Fact]
    public async Task Validate_of_a_Parameters_resource_without_a_resource_is_400()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient/$validate",
            FhirServerFactory.Json("""{"resourceType":"Parameters","parameter":[{"name":"mode","valueCode":"create"}]}""")), HttpStatusCode.BadRequest, "No resource");
    }

    [Fact]
    public async Task Validate_of_a_body_that_does_not_parse_is_400_naming_the_element()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient/$validate", FhirServerFactory.Json("""{"resourceType":"Patient","birthDate":"yesterday"}""")),
            HttpStatusCode.BadRequest, expressionContains: "birthDate");
    }

    [Fact]
    public async Task Validate_at_system_level_is_not_supported()
    {
        var response = await _client.PostAsync("$validate", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.NotFound, "$validate");
    }
}
