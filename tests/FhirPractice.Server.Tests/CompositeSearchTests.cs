using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;

namespace FhirPractice.Server.Tests;

/// <summary>Composite parameters: each component's value must match, all on the same element.</summary>
public sealed class CompositeSearchTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private const string Loinc = "http://loinc.org";
    private const string Ucum = "http://unitsofmeasure.org";

    private static string Quantity(decimal value, string unit) => $$"""{"value":{{value}},"system":"{{Ucum}}","code":"{{unit}}"}""";

    /// <summary>An Observation tagged with <paramref name="tag"/> (so tests see only their own data), with a code and a value.</summary>
    private static string Observation(string tag, string code, string value, string components = "") =>
        $$"""
        {"resourceType":"Observation","status":"final","meta":{"tag":[{"system":"urn:test","code":"{{tag}}"}]},
         "code":{"coding":[{"system":"{{Loinc}}","code":"{{code}}"}]}{{value}}{{components}}}
        """;

    private static string Component(string code, decimal value) =>
        $$"""{"code":{"coding":[{"system":"{{Loinc}}","code":"{{code}}"}]},"valueQuantity":{{Quantity(value, "mm[Hg]")}}}""";

    /// <summary>A blood pressure panel: systolic and diastolic as components.</summary>
    private Task<string> BloodPressureAsync(string tag, decimal systolic, decimal diastolic) =>
        _client.CreateAsync(Observation(tag, "85354-9", "", $""","component":[{Component("8480-6", systolic)},{Component("8462-4", diastolic)}]"""));

    [Fact]
    public async Task Code_value_quantity_matches_code_and_value_with_the_prefix_on_the_value()
    {
        var tag = FhirHttp.Unique();
        var low = await _client.CreateAsync(Observation(tag, "2339-0", $",\"valueQuantity\":{Quantity(50, "mg/dL")}"));
        var high = await _client.CreateAsync(Observation(tag, "2339-0", $",\"valueQuantity\":{Quantity(150, "mg/dL")}"));
        var otherCode = await _client.CreateAsync(Observation(tag, "9999-9", $",\"valueQuantity\":{Quantity(50, "mg/dL")}"));
        var q = $"Observation?_tag=urn:test|{tag}&code-value-quantity=";

        Assert.Equal([low], await _client.MatchesAsync(q + $"{Loinc}|2339-0$lt100"));
        Assert.Equal([high], await _client.MatchesAsync(q + $"{Loinc}|2339-0$gt100"));
        Assert.Equal([low], await _client.MatchesAsync(q + $"2339-0$50"));
        Assert.Equal([low], await _client.MatchesAsync(q + $"2339-0$50|{Ucum}|mg/dL"));
        Assert.Empty(await _client.MatchesAsync(q + $"2339-0$50|{Ucum}|mmol/L"));
        Assert.Equal(Sorted(low, otherCode), await _client.MatchesAsync(q + $"2339-0$50,9999-9$50"));  // OR by comma
        Assert.Equal([low], await _client.MatchesAsync(q + $"2339-0$lt100&code-value-quantity=2339-0$gt10"));  // AND by repetition
        Assert.Empty(await _client.MatchesAsync(q + $"2339-0$lt100&code-value-quantity=9999-9$gt100"));
    }

    [Fact]
    public async Task Component_code_value_quantity_needs_both_parts_on_the_same_component()
    {
        var tag = FhirHttp.Unique();
        var high = await BloodPressureAsync(tag, 150, 95);
        var normal = await BloodPressureAsync(tag, 118, 76);
        var q = $"Observation?_tag=urn:test|{tag}&component-code-value-quantity=";

        Assert.Equal([high], await _client.MatchesAsync(q + $"{Loinc}|8480-6$gt140"));
        Assert.Equal(Sorted(high, normal), await _client.MatchesAsync(q + $"{Loinc}|8462-4$lt100"));
        // The systolic component is 118 and another component (the diastolic) is below 100 — but no single component is both.
        Assert.Empty(await _client.MatchesAsync(q + $"{Loinc}|8480-6$lt100"));
        Assert.Equal([normal], await _client.MatchesAsync(q + $"{Loinc}|8480-6$lt120&component-code-value-quantity={Loinc}|8462-4$lt80"));
        // combo- looks at the Observation's own code/value and at its components.
        Assert.Equal([high], await _client.MatchesAsync($"Observation?_tag=urn:test|{tag}&combo-code-value-quantity=8480-6$ge150"));
    }

    [Fact]
    public async Task Code_value_concept_string_and_date_match_their_component_types()
    {
        var tag = FhirHttp.Unique();
        var positive = await _client.CreateAsync(Observation(tag, "94500-6", ""","valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"10828004"}]}"""));
        var text = await _client.CreateAsync(Observation(tag, "8251-1", ""","valueString":"Feeling Fine" """));
        var dated = await _client.CreateAsync(Observation(tag, "21112-8", ""","valueDateTime":"1974-12-25" """));
        var q = $"Observation?_tag=urn:test|{tag}&";

        Assert.Equal([positive], await _client.MatchesAsync(q + "code-value-concept=94500-6$http://snomed.info/sct|10828004"));
        Assert.Empty(await _client.MatchesAsync(q + "code-value-concept=94500-6$http://snomed.info/sct|260385009"));
        Assert.Equal([text], await _client.MatchesAsync(q + "code-value-string=8251-1$feeling"));
        Assert.Equal([dated], await _client.MatchesAsync(q + "code-value-date=21112-8$lt1980"));
        Assert.Empty(await _client.MatchesAsync(q + "code-value-date=21112-8$gt1980"));
    }

    [Fact]
    public async Task Composite_entries_follow_updates_and_missing_tells_which_resources_have_none()
    {
        var tag = FhirHttp.Unique();
        var id = (await BloodPressureAsync(tag, 150, 95)).Split('/')[1];
        var without = await _client.CreateAsync(Observation(tag, "2339-0", ""));
        var q = $"Observation?_tag=urn:test|{tag}&component-code-value-quantity=8480-6$";
        Assert.Equal([$"Observation/{id}"], await _client.MatchesAsync(q + "150"));
        Assert.Equal([without], await _client.MatchesAsync($"Observation?_tag=urn:test|{tag}&component-code-value-quantity:missing=true"));

        var updated = Observation(tag, "85354-9", "", $""","id":"{id}","component":[{Component("8480-6", 120)}]""");
        Assert.True((await _client.PutAsync($"Observation/{id}", FhirServerFactory.Json(updated))).IsSuccessStatusCode);
        Assert.Empty(await _client.MatchesAsync(q + "150"));
        Assert.Equal([$"Observation/{id}"], await _client.MatchesAsync(q + "120"));
    }

    [Theory]
    [InlineData("code-value-quantity=2339-0", "part")]                 // no $
    [InlineData("code-value-quantity=2339-0$5$6", "part")]             // too many parts
    [InlineData("code-value-quantity=2339-0$", "empty")]
    [InlineData("code-value-quantity=2339-0$high", "not a valid quantity")]
    [InlineData("code-value-date=2339-0$yesterday", "not a valid date")]
    [InlineData("code-value-quantity:exact=2339-0$5", "modifier")]
    public async Task A_malformed_composite_value_is_ignored_with_a_reason_or_refused_under_strict_handling(string parameter, string reason)
    {
        var tag = FhirHttp.Unique();
        var match = await _client.CreateAsync(Observation(tag, "2339-0", $",\"valueQuantity\":{Quantity(5, "mg")}"));
        await _client.AssertIgnoredOrRefusedAsync($"Observation?_tag=urn:test|{tag}&{parameter}", parameter.Split('=')[0], [match], reason);
    }

    [Fact]
    public async Task An_escaped_dollar_belongs_to_the_value()
    {
        var tag = FhirHttp.Unique();
        var match = await _client.CreateAsync(Observation(tag, "8251-1", ""","valueString":"US$ 5" """));
        Assert.Equal([match], await _client.MatchesAsync($"Observation?_tag=urn:test|{tag}&code-value-string=8251-1$us\\$"));
    }
}
