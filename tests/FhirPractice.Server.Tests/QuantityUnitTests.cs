using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;

namespace FhirPractice.Server.Tests;

/// <summary>Quantity search in UCUM canonical units (Fhir.Metrics); other units match as written.</summary>
public sealed class QuantityUnitTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private const string Ucum = "http://unitsofmeasure.org";

    private Task<string> ObservationAsync(string tag, decimal value, string? system, string unit)
    {
        var systemMember = system is null ? "" : $"\"system\":\"{system}\",";
        return _client.CreateAsync($$"""
            {"resourceType":"Observation","status":"final","meta":{"tag":[{"system":"urn:test","code":"{{tag}}"}]},
             "code":{"text":"weight of something"},
             "valueQuantity":{"value":{{value}},{{systemMember}}"code":"{{unit}}","unit":"{{unit}}"} }
            """);
    }

    [Fact]
    public async Task A_UCUM_search_matches_stored_quantities_in_other_units_of_the_same_dimension()
    {
        var tag = FhirHttp.Unique();
        var micrograms = await ObservationAsync(tag, 5400, Ucum, "ug");
        var milligrams = await ObservationAsync(tag, 5.4m, Ucum, "mg");
        var kilograms = await ObservationAsync(tag, 1.5m, Ucum, "kg");
        var litres = await ObservationAsync(tag, 5.4m, Ucum, "mL");
        var q = $"Observation?_tag=urn:test|{tag}&value-quantity=";

        Assert.Equal(Sorted(micrograms, milligrams), await _client.MatchesAsync(q + $"5.4|{Ucum}|mg"));
        Assert.Equal(Sorted(micrograms, milligrams), await _client.MatchesAsync(q + $"0.0054|{Ucum}|g"));
        Assert.Equal([kilograms], await _client.MatchesAsync(q + $"gt1|{Ucum}|g"));
        Assert.Equal(Sorted(micrograms, milligrams), await _client.MatchesAsync(q + $"lt6|{Ucum}|mg"));
        Assert.Equal([kilograms], await _client.MatchesAsync(q + $"1500000|{Ucum}|mg"));
        Assert.Equal([litres], await _client.MatchesAsync(q + $"0.0054|{Ucum}|L"));
        // Without a system the unit is compared as written.
        Assert.Equal([milligrams], await _client.MatchesAsync(q + "5.4||mg"));
    }

    [Fact]
    public async Task Units_UCUM_cannot_convert_match_as_written()
    {
        var tag = FhirHttp.Unique();
        var celsius = await ObservationAsync(tag, 37, Ucum, "Cel");
        var unknown = await ObservationAsync(tag, 5, Ucum, "nonsense");
        var local = await ObservationAsync(tag, 5, "urn:local:units", "tablet");
        var q = $"Observation?_tag=urn:test|{tag}&value-quantity=";

        Assert.Equal([celsius], await _client.MatchesAsync(q + $"37|{Ucum}|Cel"));
        Assert.Equal([unknown], await _client.MatchesAsync(q + $"5|{Ucum}|nonsense"));
        Assert.Equal([local], await _client.MatchesAsync(q + "5|urn:local:units|tablet"));
        Assert.Equal(Sorted(unknown, local), await _client.MatchesAsync(q + "5"));
        Assert.Empty(await _client.MatchesAsync(q + $"5|{Ucum}|mg"));
    }

    [Fact]
    public async Task Units_with_an_annotation_match_as_written_not_as_dimensionless_numbers()
    {
        // UCUM reads {score} as 1, which would make 3 {score} "more than" 46 %.
        var tag = FhirHttp.Unique();
        var score = await ObservationAsync(tag, 3, Ucum, "{score}");
        var percent = await ObservationAsync(tag, 46, Ucum, "%");
        var q = $"Observation?_tag=urn:test|{tag}&value-quantity=";

        Assert.Equal([percent], await _client.MatchesAsync(q + $"gt0.4|{Ucum}|1"));
        Assert.Equal([percent], await _client.MatchesAsync(q + $"gt10|{Ucum}|%"));
        Assert.Equal([score], await _client.MatchesAsync(q + $"3|{Ucum}|{{score}}"));
        Assert.Empty(await _client.MatchesAsync(q + $"300|{Ucum}|%"));
    }

    [Theory]
    [InlineData("value-quantity=5|a|b|c", "not a quantity")]
    [InlineData("value-quantity=five|http://unitsofmeasure.org|mg", "not a valid quantity")]
    public async Task A_malformed_quantity_is_ignored_with_a_reason_or_refused_under_strict_handling(string parameter, string reason)
    {
        var tag = FhirHttp.Unique();
        var match = await ObservationAsync(tag, 5, Ucum, "mg");
        await _client.AssertIgnoredOrRefusedAsync($"Observation?_tag=urn:test|{tag}&{parameter}", "value-quantity", [match], reason);
    }
}
