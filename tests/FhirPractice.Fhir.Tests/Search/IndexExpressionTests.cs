using FhirPractice.Fhir.Search;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirPractice.Fhir.Tests.Search;

public sealed class IndexExpressionTests
{
    private const string Examples = "fhir-r4-examples/examples";
    private static readonly SearchParameterRegistry Registry = new();
    private static readonly FhirPathCompiler Compiler = FhirPathCompilers.WithFhirFunctions();
    private static readonly Hl7.Fhir.Serialization.BaseFhirJsonDeserializer Lenient = new(ModelInfo.ModelInspector,
        new Hl7.Fhir.Serialization.DeserializerSettings().UsingMode(Hl7.Fhir.Serialization.DeserializationMode.Recoverable));

    /// <summary>
    /// The direct path walker must select exactly the elements the Firely FHIRPath engine selects,
    /// for every search parameter of every example resource.
    /// </summary>
    [CorpusFact(Examples)]
    public void Direct_evaluation_selects_what_FHIRPath_selects_on_every_example()
    {
        var mismatches = new List<string>();
        var generalCache = new Dictionary<string, CompiledExpression>();
        var directCache = new Dictionary<(string, string), IndexExpression>();
        var context = new FhirEvaluationContext
        {
            ElementResolver = r => ReferenceParts.TypeOf(r) is { } t && ModelInfo.GetTypeForFhirType(t) is { } type
                ? ((Resource)Activator.CreateInstance(type)!).ToPocoNode() : null,
        };
        foreach (var file in Directory.EnumerateFiles(Corpus.Find(Examples)!, "*.json"))
        {
            // Recoverable: a few official examples break strict rules (e.g. an upper-case urn:uuid) but still index.
            var reader = new System.Text.Json.Utf8JsonReader(File.ReadAllBytes(file));
            Lenient.TryDeserializeResource(ref reader, out var resource, out _);
            if (resource is null) continue;
            foreach (var p in Registry.For(resource.TypeName).Where(p => p.Expression is not null))
            {
                var general = generalCache.TryGetValue(p.Expression!, out var g) ? g : generalCache[p.Expression!] = Compiler.Compile(p.Expression!);
                var key = (resource.TypeName, p.Code);
                var direct = directCache.TryGetValue(key, out var d) ? d : directCache[key] = IndexExpression.Compile(p.Expression!, resource.TypeName, Compiler);
                List<Base> expected;
                try { expected = general([resource.ToPocoNode()], context).Select(n => n.Poco).ToList(); }
                catch (Exception) { continue; } // FHIRPath itself cannot evaluate it on this (recovered) example
                var actual = direct.Evaluate(resource).ToList();
                if (expected.Count != actual.Count || expected.Zip(actual).Any(x => !ReferenceEquals(x.First, x.Second) && !x.First.IsExactly(x.Second)))
                    mismatches.Add($"{Path.GetFileName(file)} {p.Code}: FHIRPath {expected.Count}, direct {actual.Count}");
            }
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(60)));
    }

    [Theory]
    [InlineData("Patient.name | Person.name | Practitioner.name", "Patient", 1)]
    [InlineData("Patient.telecom.where(system='email')", "Patient", 1)]
    [InlineData("Observation.subject.where(resolve() is Patient)", "Observation", 1)]
    [InlineData("(Observation.value as Quantity)", "Observation", 1)]
    [InlineData("(Observation.value as CodeableConcept)", "Observation", 0)]
    [InlineData("(Observation.value as Quantity).unit", "Observation", 1)]
    public void Common_expression_shapes_are_evaluated_directly(string expression, string type, int expected)
    {
        Resource resource = type == "Patient"
            ? new Patient
            {
                Name = [new HumanName { Family = "Chalmers" }],
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "p@example.org"), new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "555")],
            }
            : new Observation { Subject = new ResourceReference("Patient/1"), Value = new Quantity(5, "mg") };
        Assert.Equal(expected, IndexExpression.Compile(expression, type, Compiler).Evaluate(resource).Count());
    }
}
