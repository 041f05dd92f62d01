using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Rest.Patch;

namespace FhirPractice.Fhir.Tests.Patch;

public class JsonPatchTests
{
    private static JsonNode Apply(string document, string patch) =>
        JsonPatch.Apply(JsonNode.Parse(document)!, JsonNode.Parse(patch)!);

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual.ToJsonString());

    private static FhirError Fails(HttpStatusCode status, string document, string patch)
    {
        var error = Assert.Throws<FhirError>(() => Apply(document, patch));
        Assert.Equal(status, error.Status);
        return error;
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a/~1b","value":1}""", """{"a":{"x":0,"/b":1},"list":[1,2]}""")]
    [InlineData("""{"op":"add","path":"/a/~0~1","value":1}""", """{"a":{"x":0,"~/":1},"list":[1,2]}""")]
    [InlineData("""{"op":"add","path":"/list/-","value":3}""", """{"a":{"x":0},"list":[1,2,3]}""")]
    [InlineData("""{"op":"add","path":"/list/2","value":3}""", """{"a":{"x":0},"list":[1,2,3]}""")]
    [InlineData("""{"op":"copy","from":"/a","path":"/b"}""", """{"a":{"x":0},"b":{"x":0},"list":[1,2]}""")]
    [InlineData("""{"op":"move","from":"/list/0","path":"/list/-"}""", """{"a":{"x":0},"list":[2,1]}""")]
    [InlineData("""{"op":"replace","path":"","value":[]}""", """[]""")]
    [InlineData("""{"op":"test","path":"","value":{"list":[1,2],"a":{"x":0}}}""", """{"a":{"x":0},"list":[1,2]}""")]
    [InlineData("""{"op":"test","path":"/a/x","value":0.0}""", """{"a":{"x":0},"list":[1,2]}""")] // numbers compare by value
    public void Applies_operations(string operation, string expected)
    {
        AssertJson(expected, Apply("""{"a":{"x":0},"list":[1,2]}""", $"[{operation}]"));
    }

    [Fact]
    public void Copy_is_independent_of_its_source()
    {
        var result = Apply("""{"a":{"x":0}}""",
            """[{"op":"copy","from":"/a","path":"/b"},{"op":"replace","path":"/b/x","value":9}]""");
        AssertJson("""{"a":{"x":0},"b":{"x":9}}""", result);
    }

    [Theory]
    [InlineData("/list/01")] // leading zero
    [InlineData("/list/2")]  // past the end
    [InlineData("/list/-")]  // "-" names no existing element
    [InlineData("/list/-1")]
    [InlineData("/nope")]
    [InlineData("/a/x/deeper")]
    public void Missing_targets_are_unprocessable(string path)
    {
        var error = Fails(HttpStatusCode.UnprocessableEntity, """{"a":{"x":0},"list":[1,2]}""",
            $$$"""[{"op":"test","path":"/a","value":{"x":0}},{"op":"remove","path":"{{{path}}}"}]""");
        Assert.Contains("operation 1", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal("/1", Assert.Single(error.Outcome.Issue).Expression.Single());
    }

    [Fact]
    public void Add_past_the_end_of_an_array_is_unprocessable()
    {
        Fails(HttpStatusCode.UnprocessableEntity, """{"list":[1]}""", """[{"op":"add","path":"/list/2","value":3}]""");
    }

    [Fact]
    public void Failing_test_names_the_operation_and_path()
    {
        var error = Fails(HttpStatusCode.UnprocessableEntity, """{"n":1}""", """[{"op":"test","path":"/n","value":"1"}]""");
        Assert.Contains("operation 0", error.Message);
        Assert.Contains("/n", error.Message);
    }

    [Theory]
    [InlineData("""{"op":"add","path":"/a"}""", "/0/value")]
    [InlineData("""{"path":"/a","value":1}""", "/0/op")]
    [InlineData("""{"op":"add","value":1}""", "/0/path")]
    [InlineData("""{"op":"jump","path":"/a"}""", "/0/op")]
    [InlineData("""{"op":"remove","path":"a"}""", "/0/path")]     // pointers start with "/"
    [InlineData("""{"op":"remove","path":"/a~2"}""", "/0/path")]  // only ~0 and ~1 are escapes
    [InlineData("""{"op":"move","path":"/a"}""", "/0/from")]
    [InlineData("""{"op":"move","from":"/a","path":"/a/b"}""", "/0/from")]
    [InlineData("""7""", "/0")]
    public void Malformed_operations_are_bad_requests(string operation, string location)
    {
        var error = Fails(HttpStatusCode.BadRequest, """{"a":{}}""", $"[{operation}]");
        Assert.Equal(location, Assert.Single(error.Outcome.Issue).Expression.Single());
    }

    [Fact]
    public void A_patch_that_is_not_an_array_is_a_bad_request()
    {
        Fails(HttpStatusCode.BadRequest, """{"a":1}""", """{"op":"remove","path":"/a"}""");
    }

    [Fact]
    public void A_failing_later_operation_leaves_the_document_unchanged()
    {
        var document = JsonNode.Parse("""{"a":1,"list":[1,2]}""")!;
        var patch = JsonNode.Parse("""
            [{"op":"remove","path":"/a"},{"op":"add","path":"/list/0","value":0},{"op":"remove","path":"/missing"}]
            """)!;

        Assert.Throws<FhirError>(() => JsonPatch.Apply(document, patch));

        AssertJson("""{"a":1,"list":[1,2]}""", document);
    }

    [Fact]
    public void The_input_document_is_never_changed_on_success()
    {
        var document = JsonNode.Parse("""{"a":1}""")!;
        var result = JsonPatch.Apply(document, JsonNode.Parse("""[{"op":"add","path":"/b","value":2}]""")!);

        AssertJson("""{"a":1}""", document);
        AssertJson("""{"a":1,"b":2}""", result);
    }
}
