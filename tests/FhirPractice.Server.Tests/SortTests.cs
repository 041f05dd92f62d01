using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchPages;

namespace FhirPractice.Server.Tests;

/// <summary>
/// _sort on every parameter type: a multi-valued parameter sorts by its lowest value ascending and its highest
/// descending, resources without a value come last either way, ties keep the order of creation.
/// </summary>
public sealed class SortTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    /// <summary>Creates a resource tagged with <paramref name="tag"/> (searches filter on it) and returns its id.</summary>
    private async Task<string> CreateAsync(string tag, string type, string json = "")
    {
        var body = $$"""{"resourceType":"{{type}}","meta":{"tag":[{"system":"urn:test:sort","code":"{{tag}}"}]}{{(json.Length > 0 ? "," + json : "")}}}""";
        var response = await _client.PostAsync(type, FhirServerFactory.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.JsonAsync())["id"]!;
    }

    private async Task AssertOrderAsync(string type, string tag, string sort, params string[] expected) =>
        Assert.Equal(expected, MatchIds(await _client.SearchAsync($"{type}?_tag=urn:test:sort|{tag}&_sort={sort}")));

    [Fact]
    public async Task String_sorts_by_the_lowest_name_ascending_and_the_highest_descending_missing_last()
    {
        var tag = FhirHttp.Unique();
        var a = await CreateAsync(tag, "Patient", """ "name":[{"family":"Baker"}]""");
        var b = await CreateAsync(tag, "Patient", """ "name":[{"family":"adams"},{"family":"Zulu"}]""");
        var none = await CreateAsync(tag, "Patient");
        var c = await CreateAsync(tag, "Patient", """ "name":[{"family":"Çarter"}]""");
        await AssertOrderAsync("Patient", tag, "family", b, a, c, none);
        await AssertOrderAsync("Patient", tag, "-family", b, c, a, none);
    }

    [Fact]
    public async Task Token_sorts_by_code()
    {
        var tag = FhirHttp.Unique();
        var a = await CreateAsync(tag, "Patient", """ "identifier":[{"system":"urn:x","value":"2"}]""");
        var b = await CreateAsync(tag, "Patient", """ "identifier":[{"system":"urn:x","value":"1"},{"system":"urn:y","value":"9"}]""");
        var none = await CreateAsync(tag, "Patient");
        var c = await CreateAsync(tag, "Patient", """ "identifier":[{"system":"urn:x","value":"5"}]""");
        await AssertOrderAsync("Patient", tag, "identifier", b, a, c, none);
        await AssertOrderAsync("Patient", tag, "-identifier", b, c, a, none);
    }

    [Fact]
    public async Task Date_sorts_by_the_start_ascending_and_the_end_descending()
    {
        var tag = FhirHttp.Unique();
        var a = await CreateAsync(tag, "Patient", """ "birthDate":"1990" """);
        var b = await CreateAsync(tag, "Patient", """ "birthDate":"1980-05-05" """);
        var none = await CreateAsync(tag, "Patient");
        var c = await CreateAsync(tag, "Patient", """ "birthDate":"2000-01-01" """);
        await AssertOrderAsync("Patient", tag, "birthdate", b, a, c, none);
        await AssertOrderAsync("Patient", tag, "-birthdate", c, a, b, none);

        // Periods: the longest one starts first and ends last.
        const string code = """ "status":"final","code":{"text":"t"}""";
        var year = await CreateAsync(tag, "Observation", code + ""","effectivePeriod":{"start":"2020-01-01","end":"2020-12-31"}""");
        var day = await CreateAsync(tag, "Observation", code + ""","effectiveDateTime":"2020-06-01" """);
        var wide = await CreateAsync(tag, "Observation", code + ""","effectivePeriod":{"start":"2019-01-01","end":"2021-01-01"}""");
        await AssertOrderAsync("Observation", tag, "date", wide, year, day);
        await AssertOrderAsync("Observation", tag, "-date", wide, year, day);
    }

    [Fact]
    public async Task Number_sorts_by_the_lowest_or_highest_of_several_values()
    {
        var tag = FhirHttp.Unique();
        const string head = """ "status":"final","subject":{"reference":"Patient/sorted"}""";
        string Predictions(params string[] p) => head + ""","prediction":[""" + string.Join(",", p.Select(v => $$"""{"probabilityDecimal":{{v}}}""")) + "]";
        var a = await CreateAsync(tag, "RiskAssessment", Predictions("0.2"));
        var b = await CreateAsync(tag, "RiskAssessment", Predictions("0.1", "0.9"));
        var none = await CreateAsync(tag, "RiskAssessment", head);
        var c = await CreateAsync(tag, "RiskAssessment", Predictions("0.5"));
        await AssertOrderAsync("RiskAssessment", tag, "probability", b, a, c, none);
        await AssertOrderAsync("RiskAssessment", tag, "-probability", b, c, a, none);
    }

    [Fact]
    public async Task Quantity_and_reference_sort_by_value()
    {
        var tag = FhirHttp.Unique();
        string Obs(string extra) => """ "status":"final","code":{"text":"t"}""" + extra;
        var a = await CreateAsync(tag, "Observation", Obs(""","subject":{"reference":"Patient/p2"},"valueQuantity":{"value":5,"unit":"mg"}"""));
        var b = await CreateAsync(tag, "Observation", Obs(""","subject":{"reference":"Patient/p1"},"valueQuantity":{"value":1.5,"unit":"mg"}"""));
        var none = await CreateAsync(tag, "Observation", Obs(""));
        var c = await CreateAsync(tag, "Observation", Obs(""","subject":{"reference":"Patient/p3"},"valueQuantity":{"value":10,"unit":"mg"}"""));
        await AssertOrderAsync("Observation", tag, "value-quantity", b, a, c, none);
        await AssertOrderAsync("Observation", tag, "-value-quantity", c, a, b, none);
        await AssertOrderAsync("Observation", tag, "subject", b, a, c, none);
        await AssertOrderAsync("Observation", tag, "-subject", c, a, b, none);
    }

    [Fact]
    public async Task Uri_sorts_by_value()
    {
        var tag = FhirHttp.Unique();
        var a = await CreateAsync(tag, "ValueSet", """ "status":"draft","url":"http://example.org/vs/b" """);
        var b = await CreateAsync(tag, "ValueSet", """ "status":"draft","url":"http://example.org/vs/a" """);
        var c = await CreateAsync(tag, "ValueSet", """ "status":"draft","url":"http://example.org/vs/c" """);
        await AssertOrderAsync("ValueSet", tag, "url", b, a, c);
        await AssertOrderAsync("ValueSet", tag, "-url", c, a, b);
    }

    [Fact]
    public async Task Id_and_lastUpdated_sort_by_the_id_and_the_order_of_writes()
    {
        var tag = FhirHttp.Unique();
        string[] ids = [tag + "-b", tag + "-a", tag + "-c"];
        foreach (var id in ids)
            await _client.PutNewAsync("Patient", id, $$""" "meta":{"tag":[{"system":"urn:test:sort","code":"{{tag}}"}]}""");
        await AssertOrderAsync("Patient", tag, "_id", ids[1], ids[0], ids[2]);
        await AssertOrderAsync("Patient", tag, "-_id", ids[2], ids[0], ids[1]);
        await AssertOrderAsync("Patient", tag, "_lastUpdated", ids);
        await AssertOrderAsync("Patient", tag, "-_lastUpdated", ids[2], ids[1], ids[0]);
    }

    [Fact]
    public async Task Several_keys_apply_in_turn_and_ties_keep_the_order_of_creation_both_ways()
    {
        var tag = FhirHttp.Unique();
        var smith1980 = await CreateAsync(tag, "Patient", """ "name":[{"family":"Smith"}],"birthDate":"1980" """);
        var smithNone = await CreateAsync(tag, "Patient", """ "name":[{"family":"Smith"}]""");
        var smith1990 = await CreateAsync(tag, "Patient", """ "name":[{"family":"Smith"}],"birthDate":"1990" """);
        var jones = await CreateAsync(tag, "Patient", """ "name":[{"family":"Jones"}],"birthDate":"2000" """);
        await AssertOrderAsync("Patient", tag, "family,-birthdate", jones, smith1990, smith1980, smithNone);
        await AssertOrderAsync("Patient", tag, "-family,birthdate", smith1980, smith1990, smithNone, jones);
        // family alone ties the Smiths: they keep the order of creation, ascending and descending.
        await AssertOrderAsync("Patient", tag, "family", jones, smith1980, smithNone, smith1990);
        await AssertOrderAsync("Patient", tag, "-family", smith1980, smithNone, smith1990, jones);
    }

    [Fact]
    public async Task Keys_that_cannot_be_sorted_by_are_reported_and_left_out_of_the_self_link_or_refused_when_strict()
    {
        var tag = FhirHttp.Unique();
        var early = await CreateAsync(tag, "Observation", """ "status":"final","code":{"text":"t"},"effectiveDateTime":"2001-01-01" """);
        var late = await CreateAsync(tag, "Observation", """ "status":"final","code":{"text":"t"},"effectiveDateTime":"2002-01-01" """);
        var url = $"Observation?_tag=urn:test:sort|{tag}&_sort=code-value-quantity,subject.name,nonsense,family;drop table resource_current,-date";
        var bundle = await _client.SearchAsync(url);
        Assert.Equal([late, early], MatchIds(bundle));
        var warnings = Warnings(bundle);
        Assert.Equal(4, warnings.Count(w => w.Contains("'_sort'")));
        Assert.Contains(warnings, w => w.Contains("composite"));
        Assert.EndsWith("_sort=-date", Uri.UnescapeDataString(Link(bundle, "self")!));

        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, url, null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, "code-value-quantity", "_sort");
        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, "Location?_sort=near", null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, "special", "_sort");
    }
}
