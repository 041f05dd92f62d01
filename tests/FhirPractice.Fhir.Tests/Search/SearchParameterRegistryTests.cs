using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Tests.Search;

public sealed class SearchParameterRegistryTests
{
    private static SearchParameterInfo Custom(string code, string type = "Patient") =>
        new(code, type, SearchParamType.Token, $"{type}.identifier", $"http://example.org/{code}", []);

    [Fact]
    public void A_defined_parameter_is_found_until_removed_and_each_change_moves_the_generation()
    {
        var registry = new SearchParameterRegistry();
        var start = registry.Generation;

        Assert.Null(registry.Define("SearchParameter/a", [Custom("mine")]));
        Assert.Equal("SearchParameter/a", registry.Find("Patient", "mine")?.DefinedBy);
        Assert.Null(registry.Find("Observation", "mine"));
        Assert.NotEqual(start, registry.Generation);

        registry.Remove("SearchParameter/a");
        Assert.Null(registry.Find("Patient", "mine"));
        Assert.NotNull(registry.Find("Patient", "family"));
    }

    [Fact]
    public void A_code_taken_by_a_built_in_or_another_definition_is_refused_and_changes_nothing()
    {
        var registry = new SearchParameterRegistry();
        registry.Define("SearchParameter/a", [Custom("mine")]);
        var generation = registry.Generation;

        Assert.Contains("built-in", registry.Define("SearchParameter/b", [Custom("family")]));
        Assert.Contains("SearchParameter/a", registry.Define("SearchParameter/b", [Custom("mine")]));
        Assert.Null(registry.Define("SearchParameter/a", [Custom("mine")])); // its own redefinition
        Assert.Equal("http://hl7.org/fhir/SearchParameter/individual-family", registry.Find("Patient", "family")?.Url);
        Assert.NotEqual(generation, registry.Generation);
    }

    [Fact]
    public void Readers_see_a_whole_snapshot_while_definitions_change()
    {
        var registry = new SearchParameterRegistry();
        var builtIn = registry.For("Patient").Count;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var writer = System.Threading.Tasks.Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                registry.Define("SearchParameter/x", [Custom("one"), Custom("two")]);
                registry.Remove("SearchParameter/x");
            }
        });
        while (!writer.IsCompleted)
        {
            var count = registry.For("Patient").Count;
            Assert.True(count == builtIn || count == builtIn + 2, $"saw {count} parameters");
        }
        writer.GetAwaiter().GetResult();
    }
}
