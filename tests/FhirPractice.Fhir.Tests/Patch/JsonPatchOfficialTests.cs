using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Rest.Patch;

namespace FhirPractice.Fhir.Tests.Patch;

/// <summary>Runs HL7's JSON Patch cases (json-patch-tests.json): each gives doc, patch and expected or error.</summary>
public class JsonPatchOfficialTests
{
    private const string CasesFile = "fhir-test-cases-r4/patch/json-patch-tests.json";

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var testCase in LoadCases()) names.Add(testCase["comment"]!.GetValue<string>());
        return names;
    }

    [CorpusTheory(CasesFile)]
    [MemberData(nameof(CaseNames))]
    public void Official_case(string name)
    {
        var testCase = LoadCases().Single(c => c["comment"]!.GetValue<string>() == name);
        var document = testCase["doc"]!;
        var before = document.DeepClone();

        if (testCase["error"] is { } error)
        {
            var thrown = Assert.Throws<FhirError>(() => JsonPatch.Apply(document, testCase["patch"]!));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, thrown.Status);
            Assert.False(string.IsNullOrEmpty(error.GetValue<string>()));
        }
        else
        {
            var result = JsonPatch.Apply(document, testCase["patch"]!);
            Assert.True(JsonNode.DeepEquals(testCase["expected"], result),
                $"expected {testCase["expected"]!.ToJsonString()} but got {result.ToJsonString()}");
        }
        Assert.True(JsonNode.DeepEquals(before, document), "the input document was changed");
    }

    private static IEnumerable<JsonObject> LoadCases()
    {
        var path = Corpus.Find(CasesFile);
        if (path is null) return [];
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Cast<JsonObject>()
            .Where(c => c["disabled"]?.GetValue<bool>() != true);
    }
}
