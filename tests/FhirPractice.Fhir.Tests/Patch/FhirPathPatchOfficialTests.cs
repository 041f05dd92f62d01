using System.Net;
using System.Xml.Linq;
using FhirPractice.Fhir.Rest.Patch;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirPractice.Fhir.Tests.Patch;

/// <summary>
/// Runs HL7's FHIRPath Patch cases (fhir-patch-tests.xml): each case has an input resource, the
/// patch as a Parameters "diff", and an expected output or an error.
/// </summary>
public class FhirPathPatchOfficialTests
{
    private const string CasesFile = "fhir-test-cases-r4/patch/fhir-patch-tests.xml";
    // Recoverable, because several cases start from an empty resource, which strict parsing refuses.
    private static readonly FhirXmlDeserializer Parser = FhirXmlDeserializer.RECOVERABLE;

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var testCase in LoadCases()) names.Add((string)testCase.Attribute("name")!);
        return names;
    }

    [CorpusTheory(CasesFile)]
    [MemberData(nameof(CaseNames))]
    public void Official_case(string name)
    {
        var testCase = LoadCases().Single(c => (string)c.Attribute("name")! == name);
        var input = Parse<Resource>(testCase.Element("input")!);
        var patch = Parse<Parameters>(testCase.Element("diff")!);
        var before = input.ToJson();

        if (testCase.Element("error") is not null)
        {
            var error = Assert.Throws<FhirError>(() => FhirPathPatch.Apply(input, patch));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        }
        else
        {
            var result = FhirPathPatch.Apply(input, patch);
            Assert.Equal(Comparable(Parse<Resource>(testCase.Element("output")!)), Comparable(result));
        }
        Assert.Equal(before, input.ToJson());
    }

    // The SDK's XML parser drops whitespace-only text in the narrative, while a div sent as a
    // valueString keeps it; that whitespace is not significant, so both sides drop it.
    private static string Comparable(Resource resource)
    {
        if (resource is DomainResource { Text.Div: { } div } domain)
            domain.Text.Div = XElement.Parse(div).ToString(SaveOptions.DisableFormatting);
        return resource.ToJson();
    }

    private static T Parse<T>(XElement wrapper) where T : Resource =>
        Parser.DeserializeResource(wrapper.Elements().Single().ToString(SaveOptions.DisableFormatting)) as T
        ?? throw new InvalidDataException($"not a {typeof(T).Name}");

    private static IEnumerable<XElement> LoadCases()
    {
        var path = Corpus.Find(CasesFile);
        return path is null ? [] : XDocument.Load(path, LoadOptions.PreserveWhitespace).Root!.Elements("case");
    }
}
