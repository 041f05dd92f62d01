using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class ReadTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Read_returns_the_resource_with_ETag_Last_Modified_and_meta()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, """ "gender":"female" """);

        var response = await _client.GetAsync($"Patient/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        var patient = await response.JsonAsync();
        Assert.Equal(id, (string?)patient["id"]);
        Assert.Equal("female", (string?)patient["gender"]);
        Assert.Equal("1", (string?)patient["meta"]!["versionId"]);
        var lastUpdated = DateTimeOffset.Parse((string)patient["meta"]!["lastUpdated"]!);
        Assert.Equal(lastUpdated.ToUnixTimeSeconds(), response.Content.Headers.LastModified!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Read_of_an_unknown_id_is_404_with_an_OperationOutcome()
    {
        var response = await _client.GetAsync($"Patient/{FhirHttp.Unique()}");
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.NotFound, "is not known");
    }

    [Fact]
    public async Task Vread_returns_each_version_as_it_was()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, """ "gender":"female" """);
        var update = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","gender":"male"}"""));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        var v1 = await _client.GetAsync($"Patient/{id}/_history/1");
        var v2 = await _client.GetAsync($"Patient/{id}/_history/2");

        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        Assert.Equal("W/\"1\"", v1.Headers.ETag!.ToString());
        Assert.Equal("female", (string?)(await v1.JsonAsync())["gender"]);
        Assert.Equal("W/\"2\"", v2.Headers.ETag!.ToString());
        Assert.Equal("male", (string?)(await v2.JsonAsync())["gender"]);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("x")]
    public async Task Vread_of_a_version_that_does_not_exist_is_404(string version)
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Patient/{id}/_history/{version}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Read_with_If_None_Match_of_the_current_version_is_304_without_a_body()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);

        var same = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}", null, ("If-None-Match", "W/\"1\""));
        var other = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}", null, ("If-None-Match", "W/\"7\""));

        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        Assert.Equal("W/\"1\"", same.Headers.ETag!.ToString());
        Assert.Empty(await same.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Vread_with_If_None_Match_of_that_version_is_304()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        var response = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}/_history/1", null, ("If-None-Match", "W/\"1\""));
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Read_with_If_Modified_Since_at_the_last_update_is_304_and_before_it_200()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        var lastModified = (await _client.GetAsync($"Patient/{id}")).Content.Headers.LastModified!.Value;

        var notModified = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}", null, ("If-Modified-Since", lastModified.ToString("r")));
        var modified = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}", null, ("If-Modified-Since", lastModified.AddHours(-1).ToString("r")));

        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Equal(id, (string?)(await modified.JsonAsync())["id"]);
    }

    private const string FullPatient = """
        "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Ann Smith</div>"},
        "identifier":[{"system":"urn:test:mrn","value":"m-1"}],
        "active":true,
        "name":[{"family":"Smith","given":["Ann"]}],
        "gender":"female",
        "birthDate":"1980-02-03",
        "maritalStatus":{"text":"married"}
        """;

    [Fact]
    public async Task Read_with_summary_true_keeps_only_summary_elements_and_is_tagged_SUBSETTED()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, FullPatient);

        var patient = await (await _client.GetAsync($"Patient/{id}?_summary=true")).JsonAsync();

        Assert.Equal(id, (string?)patient["id"]);
        Assert.NotNull(patient["name"]);
        Assert.NotNull(patient["birthDate"]);
        Assert.Null(patient["text"]);
        Assert.Null(patient["maritalStatus"]);
        AssertSubsetted(patient);
    }

    [Fact]
    public async Task Read_with_summary_text_keeps_the_narrative_and_drops_the_data()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, FullPatient);

        var patient = await (await _client.GetAsync($"Patient/{id}?_summary=text")).JsonAsync();

        Assert.Equal(id, (string?)patient["id"]);
        Assert.NotNull(patient["text"]);
        Assert.Null(patient["name"]);
        Assert.Null(patient["maritalStatus"]);
        AssertSubsetted(patient);
    }

    [Fact]
    public async Task Read_with_summary_data_drops_only_the_narrative()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, FullPatient);

        var patient = await (await _client.GetAsync($"Patient/{id}?_summary=data")).JsonAsync();

        Assert.Null(patient["text"]);
        Assert.NotNull(patient["name"]);
        Assert.NotNull(patient["maritalStatus"]);
        AssertSubsetted(patient);
    }

    [Fact]
    public async Task Read_with_elements_keeps_the_named_elements_and_the_mandatory_ones()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, FullPatient);

        var patient = await (await _client.GetAsync($"Patient/{id}?_elements=gender,birthDate")).JsonAsync();

        Assert.Equal("Patient", (string?)patient["resourceType"]);
        Assert.Equal(id, (string?)patient["id"]);
        Assert.Equal("female", (string?)patient["gender"]);
        Assert.Equal("1980-02-03", (string?)patient["birthDate"]);
        Assert.Null(patient["name"]);
        Assert.Null(patient["identifier"]);
        Assert.Null(patient["text"]);
        AssertSubsetted(patient);
    }

    [Fact]
    public async Task Read_without_summary_or_elements_is_not_tagged_SUBSETTED()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, FullPatient);
        var patient = await (await _client.GetAsync($"Patient/{id}")).JsonAsync();
        Assert.DoesNotContain("SUBSETTED", patient.ToJsonString());
        Assert.NotNull(patient["text"]);
    }

    private static void AssertSubsetted(JsonNode resource) =>
        Assert.Contains(resource["meta"]!["tag"]!.AsArray(), t => (string?)t!["code"] == "SUBSETTED"
            && (string?)t["system"] == "http://terminology.hl7.org/CodeSystem/v3-ObservationValue");

    [Fact]
    public async Task Head_answers_the_read_headers_without_a_body()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"Patient/{id}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
