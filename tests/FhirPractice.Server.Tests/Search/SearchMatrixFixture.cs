using FhirPractice.Server.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace FhirPractice.Server.Tests.Search;

/// <summary>
/// A server of its own holding only a small, hand-written data set whose ids name what each resource is, so a
/// search's exact matches can be written down. Every resource carries the tag <see cref="Tag"/>.
/// </summary>
public sealed class SearchMatrixFixture : IAsyncLifetime
{
    public const string Tag = "urn:test:matrix|seed";

    public FhirServerFactory Server { get; } = new();

    /// <summary>(type, id, the rest of the JSON after resourceType, id and meta).</summary>
    private static readonly (string Type, string Id, string Json)[] Resources =
    [
        // Strings, tokens, a reference and a date on Patient.
        ("Patient", "pat-a", """ "name":[{"family":"Müller","given":["Anna"]}],"gender":"female","birthDate":"1980-05-15","active":true,"identifier":[{"system":"urn:mrn","value":"A1"}],"managingOrganization":{"reference":"Organization/org-1"}"""),
        ("Patient", "pat-b", """ "name":[{"family":"MULLER","given":["Bert"]}],"gender":"male","birthDate":"1980-05","active":false,"identifier":[{"system":"urn:mrn","value":"B2"},{"system":"urn:other","value":"A1"}],"managingOrganization":{"reference":"Organization/org-2"}"""),
        ("Patient", "pat-c", """ "name":[{"family":"Mullerson"}],"gender":"other","birthDate":"1980","identifier":[{"value":"C3"}]"""),
        ("Patient", "pat-d", """ "name":[{"family":"Smith"}],"birthDate":"1980-05-16","identifier":[{"system":"urn:mrn","value":"D4"}],"managingOrganization":{"reference":"http://elsewhere.example/fhir/Organization/org-9"}"""),
        ("Patient", "pat-e", """ "birthDate":"1981-01-01" """),
        ("Patient", "pat-f", """ "name":[{"given":["Zoë"]}]"""),

        // Numbers: RiskAssessment.prediction.probability.
        ("RiskAssessment", "ra-10", """ "status":"final","subject":{"reference":"Patient/pat-a"},"prediction":[{"probabilityDecimal":0.1}]"""),
        ("RiskAssessment", "ra-25", """ "status":"final","subject":{"reference":"Patient/pat-a"},"prediction":[{"probabilityDecimal":0.25}]"""),
        ("RiskAssessment", "ra-50", """ "status":"final","subject":{"reference":"Patient/pat-a"},"prediction":[{"probabilityDecimal":0.5}]"""),
        ("RiskAssessment", "ra-90", """ "status":"final","subject":{"reference":"Patient/pat-a"},"prediction":[{"probabilityDecimal":0.9}]"""),
        ("RiskAssessment", "ra-none", """ "status":"final","subject":{"reference":"Patient/pat-a"}"""),

        // Quantities: Observation.valueQuantity, in UCUM units, another system's units and none.
        ("Observation", "q-100mg", Quantity("""{"value":100,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}""")),
        ("Observation", "q-120mg", Quantity("""{"value":120,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"}""")),
        ("Observation", "q-1g", Quantity("""{"value":1,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}""")),
        ("Observation", "q-72", Quantity("""{"value":72,"system":"urn:test:units","code":"beats"}""")),
        ("Observation", "q-100", Quantity("""{"value":100}""")),
        ("Observation", "q-none", """ "status":"final","code":{"coding":[{"system":"urn:test:matrix","code":"quantity"}]},"valueString":"n/a" """),

        // Token text: a coding's display, a CodeableConcept's text beside a coded display, text alone.
        ("Observation", "tx-1", Coded("""{"coding":[{"system":"http://loinc.org","code":"2345-7","display":"Glucose [Mass/volume] in Serum"}],"text":"Blood sugar"}""")),
        ("Observation", "tx-2", Coded("""{"text":"Heart rate"}""")),
        ("Observation", "tx-3", Coded("""{"coding":[{"system":"urn:test:matrix","code":"glu","display":"GLÚCOSE random"}]}""")),

        // References: Observation.subject by type/id, to a Group, to another server, by identifier only, none.
        ("Observation", "ref-a", Subject("""{"reference":"Patient/pat-a"}""")),
        ("Observation", "ref-b", Subject("""{"reference":"Patient/pat-b"}""")),
        ("Observation", "ref-grp", Subject("""{"reference":"Group/grp-1"}""")),
        ("Observation", "ref-abs", Subject("""{"reference":"http://elsewhere.example/fhir/Patient/pat-x"}""")),
        ("Observation", "ref-ident", Subject("""{"identifier":{"system":"urn:mrn","value":"A1"}}""")),
        ("Observation", "ref-none", """ "status":"final","code":{"text":"x"},"category":[{"coding":[{"system":"urn:test:matrix","code":"ref"}]}]"""),

        // URIs: ValueSet.url.
        ("ValueSet", "vs-1", """ "status":"active","url":"http://acme.org/fhir/ValueSet/123" """),
        ("ValueSet", "vs-2", """ "status":"active","url":"http://acme.org/fhir/ValueSet/1234" """),
        ("ValueSet", "vs-3", """ "status":"active","url":"http://acme.org/fhir" """),
        ("ValueSet", "vs-4", """ "status":"active","url":"urn:oid:1.2.3" """),
        ("ValueSet", "vs-5", """ "status":"active","url":"http://acme.org/a_b/ValueSet/9" """),
        ("ValueSet", "vs-none", """ "status":"active" """),
    ];

    private static string Quantity(string quantity) =>
        $$""" "status":"final","code":{"coding":[{"system":"urn:test:matrix","code":"quantity"}]},"valueQuantity":{{quantity}}""";

    private static string Coded(string code) =>
        $$""" "status":"final","code":{{code}},"category":[{"coding":[{"system":"urn:test:matrix","code":"text"}]}]""";

    private static string Subject(string subject) =>
        $$""" "status":"final","code":{"text":"x"},"category":[{"coding":[{"system":"urn:test:matrix","code":"ref"}]}],"subject":{{subject}}""";

    public async Task InitializeAsync()
    {
        var (system, code) = (Tag.Split('|')[0], Tag.Split('|')[1]);
        foreach (var (type, id, json) in Resources)
            await Server.Client.PutNewAsync(type, id, $$""" "meta":{"tag":[{"system":"{{system}}","code":"{{code}}"}]},{{json}}""");
    }

    public Task DisposeAsync()
    {
        Server.Dispose();
        return Task.CompletedTask;
    }
}
