using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Search;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests;

/// <summary>
/// The CapabilityStatement against what the server accepts: every listed search parameter, include and
/// revinclude of every type is accepted under Prefer: handling=strict, and an unlisted parameter is refused.
/// </summary>
public sealed class CapabilityAcceptanceTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static readonly (string, string) Strict = ("Prefer", "handling=strict");

    /// <summary>A well-formed value of each search parameter type.</summary>
    private static string ValueOf(string type) => type switch
    {
        "string" => "a",
        "token" => "urn:test|a",
        "reference" => "x1",
        "date" => "ge2020-01-01",
        "number" => "1",
        "quantity" => "1|http://unitsofmeasure.org|mg",
        "uri" => "http://example.org/a",
        _ => throw new InvalidOperationException($"no test value for {type} parameters"),
    };

    /// <summary>A well-formed value of a parameter: a composite's is its parts' values joined by '$'.</summary>
    private string ValueOf(string type, string code, string paramType) => paramType != "composite" ? ValueOf(paramType)
        : string.Join("$", server.Services.GetRequiredService<SearchParameterRegistry>().Find(type, code)!.Components
            .Select(c => ValueOf(c.Type.ToString().ToLowerInvariant())));

    /// <summary>A value for a modifier: :in and :not-in name a ValueSet, token :above/:below a code of a CodeSystem, both held by the server.</summary>
    private static string ValueOf(string modifier, string paramType) => (modifier, paramType) switch
    {
        (":identifier" or ":not", _) => "urn:test|a",
        (":in" or ":not-in", _) => "urn:test:vs",
        (":above" or ":below", "token") => "urn:test|a",
        (":above" or ":below", _) => "http://example.org/a",
        (":of-type", _) => "urn:test|a|1",
        _ => "a",
    };

    private async Task<List<JsonNode>> ResourcesAsync() =>
        (await (await _client.GetAsync("metadata")).JsonAsync())["rest"]![0]!["resource"]!.AsArray().Select(r => r!).ToList();

    private async Task AssertAcceptedAsync(string url)
    {
        var response = await _client.SendAsync(HttpMethod.Get, url, null, Strict);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Every_listed_search_parameter_is_accepted_in_strict_mode()
    {
        foreach (var resource in await ResourcesAsync())
        {
            var type = (string)resource["type"]!;
            var parameters = resource["searchParam"]!.AsArray().Select(p => ((string)p!["name"]!, (string)p["type"]!)).ToList();
            // All of a type's parameters in one search: strict mode refuses it naming the first one it does not accept.
            await AssertAcceptedAsync($"{type}?" + string.Join("&", parameters.Select(p => $"{p.Item1}={Uri.EscapeDataString(ValueOf(type, p.Item1, p.Item2))}")));
            await AssertAcceptedAsync($"{type}?" + string.Join("&", parameters.Select(p => $"{p.Item1}:missing=false")));
        }
    }

    [Theory]
    [InlineData("Patient")]
    [InlineData("Observation")]
    [InlineData("Appointment")]
    public async Task Every_modifier_documented_for_a_parameter_is_accepted_in_strict_mode(string type)
    {
        // What the terminology modifiers resolve against, locally.
        Assert.True((await _client.PutAsync("CodeSystem/capability-test", FhirServerFactory.Json(
            """{"resourceType":"CodeSystem","id":"capability-test","url":"urn:test","status":"active","content":"complete","concept":[{"code":"a","concept":[{"code":"b"}]}]}"""))).IsSuccessStatusCode);
        Assert.True((await _client.PutAsync("ValueSet/capability-test", FhirServerFactory.Json(
            """{"resourceType":"ValueSet","id":"capability-test","url":"urn:test:vs","status":"active","compose":{"include":[{"system":"urn:test"}]}}"""))).IsSuccessStatusCode);
        var resource = (await ResourcesAsync()).Single(r => (string?)r["type"] == type);
        foreach (var p in resource["searchParam"]!.AsArray())
        {
            var (name, paramType) = ((string)p!["name"]!, (string)p["type"]!);
            var modifiers = ((string)p["documentation"]!).Split(' ').Where(m => m.StartsWith(':') && m is not (":[type]" or ":missing"));
            foreach (var modifier in modifiers)
                await AssertAcceptedAsync($"{type}?{name}{modifier}={Uri.EscapeDataString(ValueOf(modifier, paramType))}");
        }
    }

    [Fact]
    public async Task Every_listed_include_and_revinclude_is_accepted_in_strict_mode()
    {
        foreach (var resource in await ResourcesAsync())
        {
            var type = (string)resource["type"]!;
            var includes = resource["searchInclude"]!.AsArray().Select(i => (string)i!).ToList();
            var revincludes = resource["searchRevInclude"]?.AsArray().Select(i => (string)i!).ToList() ?? [];
            Assert.Contains("*", includes);
            // All at once: strict mode refuses the whole search, naming the first one it does not accept.
            var query = string.Join("&", includes.Select(i => "_include=" + Uri.EscapeDataString(i))
                .Concat(revincludes.Select(i => "_revinclude=" + Uri.EscapeDataString(i))));
            await AssertAcceptedAsync($"{type}?{query}");
        }
    }

    [Fact]
    public async Task A_parameter_not_listed_for_a_type_is_refused_in_strict_mode()
    {
        foreach (var resource in await ResourcesAsync())
        {
            var type = (string)resource["type"]!;
            var listed = resource["searchParam"]!.AsArray().Select(p => (string)p!["name"]!).ToHashSet();
            foreach (var name in new[] { "not-a-parameter", "birthdate", "code", "subject" }.Where(n => !listed.Contains(n)))
            {
                var response = await _client.SendAsync(HttpMethod.Get, $"{type}?{name}=1", null, Strict);
                await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, name);
            }
        }
    }

    [Fact]
    public async Task Includes_and_revincludes_follow_the_reference_parameters()
    {
        var resources = await ResourcesAsync();
        var observation = resources.Single(r => (string?)r["type"] == "Observation");
        var patient = resources.Single(r => (string?)r["type"] == "Patient");

        Assert.Contains("Observation:subject", observation["searchInclude"]!.AsArray().Select(i => (string)i!));
        Assert.Contains("Observation:subject", patient["searchRevInclude"]!.AsArray().Select(i => (string)i!));
        Assert.DoesNotContain("Observation:code", observation["searchInclude"]!.AsArray().Select(i => (string)i!));
        var identifier = patient["searchParam"]!.AsArray().Single(p => (string?)p!["name"] == "identifier")!;
        Assert.Contains(":not", (string?)identifier["documentation"]);
        Assert.DoesNotContain(":exact", (string?)identifier["documentation"]);
    }
}
