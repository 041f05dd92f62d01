using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchPages;

namespace FhirPractice.Server.Tests;

/// <summary>_total=none|estimate|accurate and _count, including _count=0 for the total alone.</summary>
public sealed class TotalTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private async Task<string> TaggedAsync(int count)
    {
        var tag = FhirHttp.Unique();
        for (var i = 0; i < count; i++)
        {
            var response = await _client.PostAsync("Patient", FhirServerFactory.Json(
                $$$"""{"resourceType":"Patient","meta":{"tag":[{"system":"urn:test:total","code":"{{{tag}}}"}]}}"""));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        return $"Patient?_tag=urn:test:total|{tag}";
    }

    [Fact]
    public async Task Accurate_and_estimate_count_every_match_none_and_the_default_give_no_total()
    {
        var search = await TaggedAsync(7);
        Assert.Equal(7, (int)(await _client.SearchAsync($"{search}&_total=accurate&_count=2"))["total"]!);
        // Under its budget the estimate is the exact count.
        Assert.Equal(7, (int)(await _client.SearchAsync($"{search}&_total=estimate&_count=2"))["total"]!);
        Assert.Null((await _client.SearchAsync($"{search}&_total=none"))["total"]);
        Assert.Null((await _client.SearchAsync(search))["total"]);
        var paged = await _client.SearchAsync(Link(await _client.SearchAsync($"{search}&_total=accurate&_count=2"), "next")!);
        Assert.Equal(7, (int)paged["total"]!);
        Assert.Contains("_total=accurate", Link(paged, "self"));
    }

    [Fact]
    public async Task Count_zero_gives_the_total_alone()
    {
        var search = await TaggedAsync(3);
        var bundle = await _client.SearchAsync($"{search}&_count=0");
        Assert.Equal(3, (int)bundle["total"]!);
        Assert.Empty(MatchIds(bundle));
        Assert.Null(Link(bundle, "next"));
        Assert.Null((await _client.SearchAsync($"{search}&_count=0&_total=none"))["total"]);
        Assert.Equal(3, (int)(await _client.SearchAsync($"{search}&_summary=count"))["total"]!);
    }

    [Fact]
    public async Task Count_is_capped_at_the_configured_maximum()
    {
        var search = await TaggedAsync(1);
        Assert.Contains("_count=1000", Link(await _client.SearchAsync($"{search}&_count=5000"), "self"));
    }

    [Theory]
    [InlineData("_total=exact")]
    [InlineData("_total=Accurate")]
    [InlineData("_count=-1")]
    public async Task Invalid_values_are_reported_or_refused_when_strict(string parameter)
    {
        var search = await TaggedAsync(2);
        var name = parameter[..parameter.IndexOf('=')];
        var bundle = await _client.SearchAsync($"{search}&{parameter}");
        Assert.Contains(Warnings(bundle), w => w.Contains($"'{name}'"));
        Assert.Null(bundle["total"]);
        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, $"{search}&{parameter}", null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, null, name);
    }
}
