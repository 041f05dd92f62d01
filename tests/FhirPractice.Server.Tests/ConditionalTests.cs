using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class ConditionalTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static string PatientWith(string value, string extra = "") =>
        $$"""{"resourceType":"Patient","identifier":[{"system":"urn:test:cond","value":"{{value}}"}]{{extra}}}""";

    private async Task<string> CreateAsync(string value, string extra = "")
    {
        var response = await _client.PostAsync("Patient", FhirServerFactory.Json(PatientWith(value, extra)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.JsonAsync())["id"]!;
    }

    private async Task<int> CountAsync(string value) =>
        (int)(await (await _client.GetAsync($"Patient?identifier=urn:test:cond|{value}&_total=accurate")).JsonAsync())["total"]!;

    [Fact]
    public async Task Conditional_create_with_no_match_is_201()
    {
        var value = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json(PatientWith(value)),
            ("If-None-Exist", $"identifier=urn:test:cond|{value}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_create_with_one_match_is_200_with_the_existing_resource_and_writes_nothing()
    {
        var value = FhirHttp.Unique();
        var existing = await CreateAsync(value, ""","gender":"male" """);

        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json(PatientWith(value, ""","gender":"female" """)),
            ("If-None-Exist", $"identifier=urn:test:cond|{value}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(existing, (string?)body["id"]);
        Assert.Equal("male", (string?)body["gender"]);
        Assert.Equal($"{FhirServerFactory.BaseUrl}/Patient/{existing}/_history/1", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal(1, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_create_with_two_matches_is_412_and_writes_nothing()
    {
        var value = FhirHttp.Unique();
        await CreateAsync(value);
        await CreateAsync(value);

        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json(PatientWith(value)),
            ("If-None-Exist", $"identifier=urn:test:cond|{value}"));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.PreconditionFailed, "matched");
        Assert.Equal(2, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_update_with_no_match_creates_201()
    {
        var value = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient?identifier=urn:test:cond|{value}", FhirServerFactory.Json(PatientWith(value)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (string)(await response.JsonAsync())["id"]!;
        Assert.Equal($"{FhirServerFactory.BaseUrl}/Patient/{id}/_history/1", response.Headers.Location!.ToString());
        Assert.Equal(1, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_update_with_no_match_and_a_body_id_creates_with_that_id()
    {
        var value = FhirHttp.Unique();
        var id = "cu-" + value;
        var response = await _client.PutAsync($"Patient?identifier=urn:test:cond|{value}",
            FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}","identifier":[{"system":"urn:test:cond","value":"{{value}}"}]}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Conditional_update_with_one_match_updates_it_200()
    {
        var value = FhirHttp.Unique();
        var id = await CreateAsync(value);

        var response = await _client.PutAsync($"Patient?identifier=urn:test:cond|{value}", FhirServerFactory.Json(PatientWith(value, ""","active":false """)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"2\"", response.Headers.ETag!.ToString());
        var current = await (await _client.GetAsync($"Patient/{id}")).JsonAsync();
        Assert.False((bool)current["active"]!);
        Assert.Equal(1, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_update_with_two_matches_is_412_and_changes_nothing()
    {
        var value = FhirHttp.Unique();
        var a = await CreateAsync(value);
        var b = await CreateAsync(value);

        var response = await _client.PutAsync($"Patient?identifier=urn:test:cond|{value}", FhirServerFactory.Json(PatientWith(value, ""","active":false """)));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.PreconditionFailed, "matched");
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{a}")).Headers.ETag!.ToString());
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{b}")).Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Conditional_update_whose_body_id_differs_from_the_match_is_400_and_changes_nothing()
    {
        var value = FhirHttp.Unique();
        var id = await CreateAsync(value);

        var response = await _client.PutAsync($"Patient?identifier=urn:test:cond|{value}",
            FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"other-id","identifier":[{"system":"urn:test:cond","value":"{{value}}"}]}"""));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "does not match", "Patient.id");
        Assert.Equal("W/\"1\"", (await _client.GetAsync($"Patient/{id}")).Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("Patient/other-id")).StatusCode);
    }

    [Fact]
    public async Task Conditional_update_without_criteria_is_refused()
    {
        var response = await _client.PutAsync("Patient", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""));
        Assert.True((int)response.StatusCode is 400 or 412, $"got {(int)response.StatusCode}");
        await FhirHttp.AssertOutcomeAsync(response, response.StatusCode, "criteria");
    }

    [Fact]
    public async Task Conditional_delete_with_no_match_succeeds_and_deletes_nothing()
    {
        var response = await _client.DeleteAsync($"Patient?identifier=urn:test:cond|{FhirHttp.Unique()}");
        Assert.True(response.IsSuccessStatusCode, $"got {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Conditional_delete_with_one_match_deletes_it()
    {
        var value = FhirHttp.Unique();
        var id = await CreateAsync(value);

        var response = await _client.DeleteAsync($"Patient?identifier=urn:test:cond|{value}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _client.GetAsync($"Patient/{id}")).StatusCode);
        Assert.Equal(0, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_delete_with_two_matches_is_412_and_deletes_nothing()
    {
        var value = FhirHttp.Unique();
        await CreateAsync(value);
        await CreateAsync(value);

        var response = await _client.DeleteAsync($"Patient?identifier=urn:test:cond|{value}");

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.PreconditionFailed, "matched");
        Assert.Equal(2, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_create_with_an_unknown_search_parameter_is_refused_and_writes_nothing()
    {
        var value = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json(PatientWith(value)),
            ("If-None-Exist", $"no-such-param={value}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "no-such-param");
        Assert.Equal(0, await CountAsync(value));
    }

    [Fact]
    public async Task Conditional_create_does_not_match_a_deleted_resource()
    {
        var value = FhirHttp.Unique();
        var old = await CreateAsync(value);
        await _client.DeleteAsync($"Patient/{old}");

        var response = await _client.SendAsync(HttpMethod.Post, "Patient", FhirServerFactory.Json(PatientWith(value)),
            ("If-None-Exist", $"identifier=urn:test:cond|{value}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotEqual(old, (string?)(await response.JsonAsync())["id"]);
    }
}
