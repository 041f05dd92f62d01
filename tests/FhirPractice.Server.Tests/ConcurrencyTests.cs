using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class ConcurrencyTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Parallel_identical_conditional_creates_make_exactly_one_resource()
    {
        var identifier = Guid.NewGuid().ToString("N");
        var body = $$"""{"resourceType":"Patient","identifier":[{"system":"urn:test:race","value":"{{identifier}}"}]}""";
        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.Task;
            var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = FhirServerFactory.Json(body) };
            request.Headers.Add("If-None-Exist", $"identifier=urn:test:race|{identifier}");
            var response = await _client.SendAsync(request);
            return (response.StatusCode, Location: response.Headers.Location?.ToString());
        }).ToList();
        start.SetResult();
        var results = await Task.WhenAll(tasks);

        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        var search = JsonNode.Parse(await _client.GetStringAsync($"Patient?identifier=urn:test:race|{identifier}&_total=accurate"))!;
        Assert.Equal(1, (int)search["total"]!);
        var id = (string)search["entry"]![0]!["resource"]!["id"]!;
        Assert.All(results, r => Assert.Contains($"/Patient/{id}/_history/1", r.Location));
    }

    [Fact]
    public async Task Parallel_updates_with_the_same_If_Match_let_exactly_one_through()
    {
        var created = await _client.PutAsync("Patient/race-if-match", FhirServerFactory.Json("""{"resourceType":"Patient","id":"race-if-match","active":true}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!.ToString();

        var start = new TaskCompletionSource();
        var tasks = Enumerable.Range(0, 20).Select(async i =>
        {
            await start.Task;
            var request = new HttpRequestMessage(HttpMethod.Put, "Patient/race-if-match")
            {
                Content = FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"race-if-match","active":true,"gender":"{{(i % 2 == 0 ? "male" : "female")}}"}"""),
            };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            return (await _client.SendAsync(request)).StatusCode;
        }).ToList();
        start.SetResult();
        var statuses = await Task.WhenAll(tasks);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));
        var current = await _client.GetAsync("Patient/race-if-match");
        Assert.Equal("W/\"2\"", current.Headers.ETag!.ToString());
    }
}
