using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>Small helpers for talking FHIR over HTTP in tests: requests with headers, JSON bodies, OperationOutcome checks.</summary>
public static class FhirHttp
{
    public static HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content = null, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (name, value) in headers)
            if (!request.Headers.TryAddWithoutValidation(name, value))
                request.Content!.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, HttpContent? content = null,
        params (string Name, string Value)[] headers) => client.SendAsync(Request(method, url, content, headers));

    public static Task<HttpResponseMessage> PatchAsync(this HttpClient client, string url, HttpContent content, params (string Name, string Value)[] headers) =>
        client.SendAsync(HttpMethod.Patch, url, content, headers);

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    public static StringContent Raw(string body, string mediaType) => new(body, Encoding.UTF8, mediaType);

    /// <summary>Creates a resource by PUT with the given id and returns the response, asserting it was created.</summary>
    public static async Task<HttpResponseMessage> PutNewAsync(this HttpClient client, string type, string id, string jsonWithoutType = "")
    {
        var extra = jsonWithoutType.Length == 0 ? "" : "," + jsonWithoutType;
        var response = await client.PutAsync($"{type}/{id}", FhirServerFactory.Json($$"""{"resourceType":"{{type}}","id":"{{id}}"{{extra}}}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response;
    }

    /// <summary>Asserts an error answer: the status, application/fhir+json, and an OperationOutcome with an error issue that has diagnostics.</summary>
    public static async Task<JsonNode> AssertOutcomeAsync(HttpResponseMessage response, HttpStatusCode status, string? diagnosticsContains = null, string? expressionContains = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = JsonNode.Parse(text)!;
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        var issues = outcome["issue"]!.AsArray();
        Assert.NotEmpty(issues);
        Assert.All(issues, i => Assert.False(string.IsNullOrWhiteSpace((string?)i!["diagnostics"]), $"issue without diagnostics: {text}"));
        if (diagnosticsContains is not null)
            Assert.True(issues.Any(i => ((string?)i!["diagnostics"])?.Contains(diagnosticsContains, StringComparison.OrdinalIgnoreCase) == true),
                $"no issue's diagnostics contain '{diagnosticsContains}': {text}");
        if (expressionContains is not null)
            Assert.True(issues.Any(i => i!["expression"]?.AsArray().Any(e => ((string?)e)?.Contains(expressionContains, StringComparison.Ordinal) == true) == true),
                $"no issue's expression contains '{expressionContains}': {text}");
        return outcome;
    }

    /// <summary>A unique token for identifiers and ids, so tests never see each other's data.</summary>
    public static string Unique() => Guid.NewGuid().ToString("N")[..16];
}
