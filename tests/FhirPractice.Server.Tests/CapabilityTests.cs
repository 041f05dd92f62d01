using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using ModelInfo = Hl7.Fhir.Model.ModelInfo;

namespace FhirPractice.Server.Tests;

public sealed class CapabilityTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private async Task<JsonNode> MetadataAsync()
    {
        var response = await _client.GetAsync("metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task Metadata_is_an_R4_CapabilityStatement_offering_json_xml_batch_transaction_and_history()
    {
        var statement = await MetadataAsync();

        Assert.Equal("CapabilityStatement", (string?)statement["resourceType"]);
        Assert.Equal("4.0.1", (string?)statement["fhirVersion"]);
        Assert.Equal("instance", (string?)statement["kind"]);
        var formats = statement["format"]!.AsArray().Select(f => (string)f!).ToList();
        Assert.Contains("application/fhir+json", formats);
        Assert.Contains("application/fhir+xml", formats);
        Assert.Contains("application/json-patch+json", statement["patchFormat"]!.AsArray().Select(f => (string)f!));
        var rest = statement["rest"]![0]!;
        Assert.Equal("server", (string?)rest["mode"]);
        var system = rest["interaction"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
        Assert.Equal(["batch", "history-system", "search-system", "transaction"], system.Order());
        Assert.Equal($"{FhirServerFactory.BaseUrl}", (string?)statement["implementation"]!["url"]);
    }

    [Fact]
    public async Task Metadata_lists_every_resource_type_with_its_interactions_search_parameters_and_validate()
    {
        var statement = await MetadataAsync();

        var resources = statement["rest"]![0]!["resource"]!.AsArray().Select(r => r!).ToList();
        Assert.Equal(ModelInfo.SupportedResources.Order(), resources.Select(r => (string)r["type"]!));
        string[] interactions = ["create", "delete", "history-instance", "history-type", "patch", "read", "search-type", "update", "vread"];
        Assert.All(resources, r =>
        {
            Assert.Equal(interactions, r["interaction"]!.AsArray().Select(i => (string)i!["code"]!).Order());
            Assert.Contains(r["operation"]!.AsArray(), o => (string?)o!["name"] == "validate"
                && (string?)o["definition"] == "http://hl7.org/fhir/OperationDefinition/Resource-validate");
            Assert.True((bool)r["conditionalCreate"]!);
            Assert.True((bool)r["conditionalUpdate"]!);
            Assert.True((bool)r["updateCreate"]!);
            Assert.Equal("single", (string?)r["conditionalDelete"]);
        });
        var patient = resources.Single(r => (string?)r["type"] == "Patient");
        var searchParams = patient["searchParam"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.Contains("identifier", searchParams);
        Assert.Contains("birthdate", searchParams);
        Assert.Contains("family", searchParams);
        Assert.All(patient["searchParam"]!.AsArray(), p => Assert.NotNull((string?)p!["type"]));
    }

    [Fact]
    public async Task Metadata_in_XML_is_answered_in_XML()
    {
        var response = await _client.GetAsync("metadata?_format=xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
        var xml = System.Xml.Linq.XElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(System.Xml.Linq.XName.Get("CapabilityStatement", "http://hl7.org/fhir"), xml.Name);
    }
}
