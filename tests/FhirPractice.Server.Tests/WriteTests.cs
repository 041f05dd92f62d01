using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class WriteTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Theory]
    [InlineData("application/fhir+json", "{\"resourceType\":\"Patient\"}")]
    [InlineData("application/fhir+xml", "<Patient xmlns=\"http://hl7.org/fhir\"/>")]
    public async Task A_resource_with_no_elements_is_valid_and_created(string contentType, string body)
    {
        var response = await _client.PostAsync("Patient", new StringContent(body, System.Text.Encoding.UTF8, contentType));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var empty = await _client.PostAsync("Patient", FhirServerFactory.Json("{\"resourceType\":\"Patient\",\"name\":[{}]}"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode); // an empty element deeper down is still invalid
    }

    [Fact]
    public async Task Create_is_201_with_Location_of_the_first_version_ETag_Last_Modified_and_the_stored_resource()
    {
        var response = await _client.PostAsync("Patient", FhirServerFactory.Json("""{"resourceType":"Patient","id":"client-chosen","gender":"other"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var patient = await response.JsonAsync();
        var id = (string)patient["id"]!;
        Assert.NotEqual("client-chosen", id); // create assigns the id
        Assert.Equal($"{FhirServerFactory.BaseUrl}/Patient/{id}/_history/1", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("1", (string?)patient["meta"]!["versionId"]);
        Assert.Equal("other", (string?)patient["gender"]);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Update_of_an_existing_resource_is_200_with_the_next_version()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);

        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","active":false}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var patient = await response.JsonAsync();
        Assert.Equal("2", (string?)patient["meta"]!["versionId"]);
        Assert.False((bool)patient["active"]!);
    }

    [Fact]
    public async Task Update_as_create_with_a_client_chosen_id_is_201_with_Location()
    {
        var id = "client-" + FhirHttp.Unique();

        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"{FhirServerFactory.BaseUrl}/Patient/{id}/_history/1", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal(id, (string?)(await (await _client.GetAsync($"Patient/{id}")).JsonAsync())["id"]);
    }

    [Fact]
    public async Task Update_with_a_matching_If_Match_succeeds_and_with_a_stale_one_is_412()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        var body = $$"""{"resourceType":"Patient","id":"{{id}}","active":true}""";

        var ok = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Json(body), ("If-Match", "W/\"1\""));
        var stale = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Json(body), ("If-Match", "W/\"1\""));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await FhirHttp.AssertOutcomeAsync(stale, HttpStatusCode.PreconditionFailed, "If-Match");
        Assert.Equal("W/\"2\"", (await _client.GetAsync($"Patient/{id}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Update_with_If_Match_of_a_resource_that_does_not_exist_is_412_and_creates_nothing()
    {
        var id = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}",
            FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}"""), ("If-Match", "W/\"1\""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_with_a_stale_If_Match_is_412_and_keeps_the_resource()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        var response = await _client.SendAsync(HttpMethod.Delete, $"Patient/{id}", null, ("If-Match", "W/\"5\""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Delete_makes_read_410_keeps_the_versions_in_history_and_vread_of_the_deleted_version_410()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, """ "gender":"female" """);

        var delete = await _client.DeleteAsync($"Patient/{id}");

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal("W/\"2\"", delete.Headers.ETag!.ToString());
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Patient/{id}"), HttpStatusCode.Gone, "deleted");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Patient/{id}/_history/2"), HttpStatusCode.Gone);
        var v1 = await _client.GetAsync($"Patient/{id}/_history/1");
        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);
        Assert.Equal("female", (string?)(await v1.JsonAsync())["gender"]);

        var history = await (await _client.GetAsync($"Patient/{id}/_history")).JsonAsync();
        Assert.Equal(2, (int)history["total"]!);
        var entries = history["entry"]!.AsArray();
        Assert.Equal("DELETE", (string?)entries[0]!["request"]!["method"]);
        Assert.Null(entries[0]!["resource"]);
        Assert.Equal("W/\"2\"", (string?)entries[0]!["response"]!["etag"]);
        Assert.Equal("1", (string?)entries[1]!["resource"]!["meta"]!["versionId"]);
    }

    [Fact]
    public async Task Delete_of_a_deleted_or_unknown_resource_succeeds_without_a_new_version()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        Assert.Equal(HttpStatusCode.OK, (await _client.DeleteAsync($"Patient/{id}")).StatusCode);

        Assert.True((await _client.DeleteAsync($"Patient/{id}")).IsSuccessStatusCode);
        Assert.True((await _client.DeleteAsync($"Patient/{FhirHttp.Unique()}")).IsSuccessStatusCode);

        var history = await (await _client.GetAsync($"Patient/{id}/_history")).JsonAsync();
        Assert.Equal(2, (int)history["total"]!);
    }

    [Fact]
    public async Task Update_after_delete_recreates_the_resource_with_the_next_version()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);
        await _client.DeleteAsync($"Patient/{id}");

        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("W/\"3\"", response.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Create_with_Prefer_return_minimal_has_no_body_but_keeps_the_headers()
    {
        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""), ("Prefer", "return=minimal"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Matches(@"/fhir/Patient/[^/]+/_history/1$", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Create_with_Prefer_return_representation_has_the_resource()
    {
        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""), ("Prefer", "return=representation"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Patient", (string?)(await response.JsonAsync())["resourceType"]);
    }

    [Fact]
    public async Task Create_with_Prefer_return_OperationOutcome_has_an_informational_outcome()
    {
        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""), ("Prefer", "return=OperationOutcome"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        var outcome = await response.JsonAsync();
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Equal("information", (string?)outcome["issue"]![0]!["severity"]);
        Assert.Contains("Created Patient/", (string?)outcome["issue"]![0]!["diagnostics"]);
    }

    [Theory]
    [InlineData("return=minimal", null)]
    [InlineData("return=representation", "Patient")]
    [InlineData("return=OperationOutcome", "OperationOutcome")]
    public async Task Update_honours_Prefer_return(string prefer, string? bodyType)
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id);

        var response = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","active":true}"""), ("Prefer", prefer));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var text = await response.Content.ReadAsStringAsync();
        if (bodyType is null) Assert.Empty(text);
        else Assert.Equal(bodyType, (string?)JsonNode.Parse(text)!["resourceType"]);
    }
}
