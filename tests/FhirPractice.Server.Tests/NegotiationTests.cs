using System.Net;
using System.Xml.Linq;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class NegotiationTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;
    private static readonly XNamespace FhirNs = "http://hl7.org/fhir";

    private async Task<string> PatientAsync()
    {
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Patient", id, """ "gender":"female" """);
        return id;
    }

    private static async Task<XElement> XmlAsync(HttpResponseMessage response) => XElement.Parse(await response.Content.ReadAsStringAsync());

    [Theory]
    [InlineData("json", "application/fhir+json")]
    [InlineData("application/json", "application/fhir+json")]
    [InlineData("application/fhir+json", "application/fhir+json")]
    [InlineData("xml", "application/fhir+xml")]
    [InlineData("application/xml", "application/fhir+xml")]
    [InlineData("application/fhir+xml", "application/fhir+xml")]
    public async Task Format_parameter_chooses_the_answer_format(string format, string mediaType)
    {
        var id = await PatientAsync();

        var response = await _client.GetAsync($"Patient/{id}?_format={Uri.EscapeDataString(format)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        await AssertPatientAsync(response, id, mediaType);
    }

    [Theory]
    [InlineData("application/fhir+xml", "application/fhir+xml")]
    [InlineData("application/xml", "application/fhir+xml")]
    [InlineData("application/fhir+json", "application/fhir+json")]
    [InlineData("application/json", "application/fhir+json")]
    [InlineData("*/*", "application/fhir+json")]
    [InlineData("text/csv, application/fhir+xml;q=0.5", "application/fhir+xml")]
    [InlineData("application/fhir+json;q=0.4, application/fhir+xml;q=0.9", "application/fhir+xml")]
    public async Task Accept_header_chooses_the_answer_format(string accept, string mediaType)
    {
        var id = await PatientAsync();

        var response = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}", null, ("Accept", accept));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        await AssertPatientAsync(response, id, mediaType);
    }

    [Fact]
    public async Task Format_parameter_wins_over_the_Accept_header()
    {
        var id = await PatientAsync();
        var response = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}?_format=xml", null, ("Accept", "application/fhir+json"));
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unsupported_Accept_alone_is_406_with_an_OperationOutcome_in_JSON()
    {
        var id = await PatientAsync();
        var response = await _client.SendAsync(HttpMethod.Get, $"Patient/{id}", null, ("Accept", "text/csv"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.NotAcceptable, "text/csv");
    }

    [Fact]
    public async Task Unsupported_format_parameter_is_406()
    {
        var id = await PatientAsync();
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Patient/{id}?_format=csv"), HttpStatusCode.NotAcceptable, "csv");
    }

    [Fact]
    public async Task Unsupported_Accept_on_a_write_is_406_and_writes_nothing()
    {
        var id = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Json($$"""{"resourceType":"Patient","id":"{{id}}"}"""), ("Accept", "text/csv"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.NotAcceptable);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Xml_body_is_accepted_and_answered_in_XML_when_nothing_else_is_asked()
    {
        var response = await _client.PostAsync("Patient", FhirServerFactory.Xml("""
            <Patient xmlns="http://hl7.org/fhir"><gender value="male"/><birthDate value="1970-05-06"/></Patient>
            """));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
        var xml = await XmlAsync(response);
        Assert.Equal("male", xml.Element(FhirNs + "gender")?.Attribute("value")?.Value);
        var id = xml.Element(FhirNs + "id")!.Attribute("value")!.Value;
        Assert.EndsWith($"/Patient/{id}/_history/1", response.Headers.Location!.ToString());

        var json = await (await _client.GetAsync($"Patient/{id}")).JsonAsync();
        Assert.Equal("1970-05-06", (string?)json["birthDate"]);
    }

    [Theory]
    [InlineData("application/fhir+json")]
    [InlineData("application/json")]
    public async Task Json_body_is_accepted_with_either_JSON_media_type(string contentType)
    {
        var response = await _client.PostAsync("Patient", FhirHttp.Raw("""{"resourceType":"Patient","gender":"male"}""", contentType));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Xml_body_with_application_xml_is_accepted_and_JSON_can_be_asked_for()
    {
        var response = await _client.SendAsync(HttpMethod.Post, "Patient",
            FhirHttp.Raw("""<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient>""", "application/xml"), ("Accept", "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True((bool)(await response.JsonAsync())["active"]!);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/csv")]
    [InlineData("application/octet-stream")]
    public async Task Unsupported_Content_Type_is_415_and_writes_nothing(string contentType)
    {
        var id = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirHttp.Raw($$"""{"resourceType":"Patient","id":"{{id}}"}""", contentType));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.UnsupportedMediaType, contentType);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Pretty_indents_JSON_and_plain_reads_are_compact()
    {
        var id = await PatientAsync();

        var pretty = await (await _client.GetAsync($"Patient/{id}?_pretty=true")).Content.ReadAsStringAsync();
        var plain = await (await _client.GetAsync($"Patient/{id}")).Content.ReadAsStringAsync();

        Assert.Contains("\n", pretty.Trim());
        Assert.DoesNotContain("\n", plain.Trim());
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(plain)!.ToJsonString(), System.Text.Json.Nodes.JsonNode.Parse(pretty)!.ToJsonString());
    }

    [Fact]
    public async Task Pretty_indents_XML()
    {
        var id = await PatientAsync();
        var pretty = await (await _client.GetAsync($"Patient/{id}?_format=xml&_pretty=true")).Content.ReadAsStringAsync();
        var plain = await (await _client.GetAsync($"Patient/{id}?_format=xml")).Content.ReadAsStringAsync();
        Assert.Contains("\n", pretty.Trim());
        Assert.DoesNotContain("\n", plain.Trim());
    }

    [Fact]
    public async Task Xml_read_has_ETag_and_Last_Modified_too()
    {
        var id = await PatientAsync();
        var response = await _client.GetAsync($"Patient/{id}?_format=xml");
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
    }

    [Fact]
    public async Task Errors_are_answered_in_the_negotiated_format()
    {
        var response = await _client.GetAsync($"Patient/{FhirHttp.Unique()}?_format=xml");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("OperationOutcome", (await XmlAsync(response)).Name.LocalName);
    }

    private static async Task AssertPatientAsync(HttpResponseMessage response, string id, string mediaType)
    {
        if (mediaType == "application/fhir+xml")
        {
            var xml = await XmlAsync(response);
            Assert.Equal(FhirNs + "Patient", xml.Name);
            Assert.Equal(id, xml.Element(FhirNs + "id")?.Attribute("value")?.Value);
        }
        else
        {
            var json = await response.JsonAsync();
            Assert.Equal("Patient", (string?)json["resourceType"]);
            Assert.Equal(id, (string?)json["id"]);
        }
    }

    [Fact]
    public async Task Json_body_with_a_UTF8_byte_order_mark_is_accepted()
    {
        var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("""{"resourceType":"Patient","gender":"male"}""")]);
        content.Headers.ContentType = new("application/fhir+json");
        var response = await _client.PostAsync("Patient", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("male", (string?)(await response.JsonAsync())["gender"]);
    }

    [Fact]
    public async Task Xml_transaction_is_processed_and_answered_in_XML()
    {
        var response = await _client.PostAsync("", FhirServerFactory.Xml("""
            <Bundle xmlns="http://hl7.org/fhir"><type value="transaction"/>
              <entry><fullUrl value="urn:uuid:3f1a0b8e-0000-4000-8000-00000000000a"/>
                <resource><Patient><active value="true"/></Patient></resource>
                <request><method value="POST"/><url value="Patient"/></request></entry>
              <entry><resource><Observation><status value="final"/><code><text value="x"/></code>
                <subject><reference value="urn:uuid:3f1a0b8e-0000-4000-8000-00000000000a"/></subject></Observation></resource>
                <request><method value="POST"/><url value="Observation"/></request></entry>
            </Bundle>
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
        var bundle = await XmlAsync(response);
        Assert.Equal("transaction-response", bundle.Element(FhirNs + "type")?.Attribute("value")?.Value);
        var patientId = bundle.Elements(FhirNs + "entry").First().Element(FhirNs + "resource")!.Element(FhirNs + "Patient")!.Element(FhirNs + "id")!.Attribute("value")!.Value;
        var reference = bundle.Descendants(FhirNs + "subject").Single().Element(FhirNs + "reference")!.Attribute("value")!.Value;
        Assert.Equal($"Patient/{patientId}", reference);
    }
}
