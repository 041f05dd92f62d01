using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

public sealed class BadInputTests(FhirServerFactory server, SmallBodyServerFactory small)
    : IClassFixture<FhirServerFactory>, IClassFixture<SmallBodyServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private async Task AssertNotWrittenAsync(string type, string id) =>
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"{type}/{id}")).StatusCode);

    [Theory]
    [InlineData("""{"resourceType":"Patient","active":true""")]
    [InlineData("""{"resourceType":"Patient",}""")]
    [InlineData("not json at all")]
    public async Task Malformed_JSON_is_400_and_writes_nothing(string body)
    {
        var id = FhirHttp.Unique();
        await FhirHttp.AssertOutcomeAsync(await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json(body)), HttpStatusCode.BadRequest);
        await AssertNotWrittenAsync("Patient", id);
    }

    [Theory]
    [InlineData("""<Patient xmlns="http://hl7.org/fhir"><active value="true"/>""")]
    [InlineData("""<Patient xmlns="http://hl7.org/fhir"><active value="true"></Patient>""")]
    [InlineData("just text")]
    public async Task Malformed_XML_is_400_and_writes_nothing(string body)
    {
        var id = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Xml(body), ("Accept", "application/fhir+json"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
        await AssertNotWrittenAsync("Patient", id);
    }

    [Fact]
    public async Task Resource_type_that_does_not_match_the_url_is_400()
    {
        var response = await _client.PostAsync("Patient", FhirServerFactory.Json("""{"resourceType":"Organization","name":"x"}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "Organization", "resourceType");
    }

    [Fact]
    public async Task Update_whose_body_id_differs_from_the_url_is_400_and_writes_nothing()
    {
        var id = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json("""{"resourceType":"Patient","id":"something-else"}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "does not match", "Patient.id");
        await AssertNotWrittenAsync("Patient", id);
        await AssertNotWrittenAsync("Patient", "something-else");
    }

    [Fact]
    public async Task Update_without_an_id_in_the_body_is_400()
    {
        var id = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "no id", "Patient.id");
        await AssertNotWrittenAsync("Patient", id);
    }

    [Theory]
    [InlineData("GET", "Patientt/1")]
    [InlineData("GET", "Resource/1")]
    [InlineData("POST", "Foo")]
    [InlineData("GET", "foo/_history")]
    public async Task Unknown_resource_type_in_the_url_is_404(string method, string url)
    {
        var response = await _client.SendAsync(new HttpMethod(method), url, method == "POST" ? FhirServerFactory.Json("""{"resourceType":"Patient","active":true}""") : null);
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.NotFound, url.Split('/')[0]);
    }

    [Fact]
    public async Task Body_over_the_configured_limit_is_413_and_writes_nothing()
    {
        var id = FhirHttp.Unique();
        var big = $$$"""{"resourceType":"Patient","id":"{{{id}}}","name":[{"family":"{{{new string('x', SmallBodyServerFactory.MaxBodyBytes)}}}"}]}""";

        var response = await small.Client.PutAsync($"Patient/{id}", FhirServerFactory.Json(big));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.RequestEntityTooLarge, SmallBodyServerFactory.MaxBodyBytes.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await small.Client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Body_over_the_limit_without_Content_Length_is_413()
    {
        var id = FhirHttp.Unique();
        var big = $$$"""{"resourceType":"Patient","id":"{{{id}}}","name":[{"family":"{{{new string('x', SmallBodyServerFactory.MaxBodyBytes)}}}"}]}""";

        var response = await small.Client.PutAsync($"Patient/{id}", new UnknownLengthContent(big, "application/fhir+json"));

        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(HttpStatusCode.NotFound, (await small.Client.GetAsync($"Patient/{id}")).StatusCode);
    }

    [Fact]
    public async Task Body_under_the_limit_is_accepted_by_the_small_server()
    {
        var response = await small.Client.PostAsync("Patient", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("""<!DOCTYPE Patient [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="ID"/><gender value="&xxe;"/></Patient>""")]
    [InlineData("""<!DOCTYPE Patient [<!ENTITY secret "EXPANDED-ENTITY">]><Patient xmlns="http://hl7.org/fhir"><id value="ID"/><name><family value="&secret;"/></name></Patient>""")]
    [InlineData("""<?xml version="1.0"?><!DOCTYPE Patient SYSTEM "http://example.org/evil.dtd"><Patient xmlns="http://hl7.org/fhir"><id value="ID"/></Patient>""")]
    public async Task Xml_with_a_DOCTYPE_or_external_entity_is_400_and_the_entity_never_expanded(string template)
    {
        var id = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Xml(template.Replace("ID", id)), ("Accept", "application/fhir+json"));

        var outcome = await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "DOCTYPE");
        var text = outcome.ToJsonString();
        Assert.DoesNotContain("root:", text);
        Assert.DoesNotContain("EXPANDED-ENTITY", text);
        await AssertNotWrittenAsync("Patient", id);
    }

    [Theory]
    [InlineData("""<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>""", "script")]
    [InlineData("""<div xmlns=\"http://www.w3.org/1999/xhtml\"><img src=\"x.png\" onload=\"alert(1)\"/></div>""", "onload")]
    [InlineData("""<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"javascript:alert(1)\">x</a></div>""", "script")]
    public async Task Narrative_with_active_content_is_400_naming_the_narrative_and_writes_nothing(string div, string named)
    {
        var id = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$$"""
            {"resourceType":"Patient","id":"{{{id}}}","text":{"status":"generated","div":"{{{div}}}"}}
            """));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, named, "Patient.text.div");
        await AssertNotWrittenAsync("Patient", id);
    }

    [Fact]
    public async Task Narrative_with_script_in_XML_is_400()
    {
        var id = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}", FhirServerFactory.Xml($$$"""
            <Patient xmlns="http://hl7.org/fhir"><id value="{{{id}}}"/><text><status value="generated"/>
            <div xmlns="http://www.w3.org/1999/xhtml"><p onload="alert(1)">hi</p></div></text></Patient>
            """), ("Accept", "application/fhir+json"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "onload", "Patient.text.div");
        await AssertNotWrittenAsync("Patient", id);
    }

    public static TheoryData<string> InvalidIds => [new string('a', 65), "has_underscore"];

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public async Task Invalid_id_is_400_and_writes_nothing(string id)
    {
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$$"""{"resourceType":"Patient","id":"{{{id}}}"}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "id", "Patient.id");
        await AssertNotWrittenAsync("Patient", id);
    }

    [Fact]
    public async Task Id_of_64_characters_is_accepted()
    {
        var id = new string('b', 48) + FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$$"""{"resourceType":"Patient","id":"{{{id}}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_element_in_JSON_is_400_naming_the_element_path()
    {
        var id = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$$"""{"resourceType":"Patient","id":"{{{id}}}","name":[{"family":"x","nickname":"y"}]}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "nickname", "Patient.name[0]");
        await AssertNotWrittenAsync("Patient", id);
    }

    [Fact]
    public async Task Unknown_element_in_XML_is_400_naming_the_element()
    {
        var id = FhirHttp.Unique();
        var response = await _client.SendAsync(HttpMethod.Put, $"Patient/{id}",
            FhirServerFactory.Xml($$$"""<Patient xmlns="http://hl7.org/fhir"><id value="{{{id}}}"/><nickname value="y"/></Patient>"""), ("Accept", "application/fhir+json"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "nickname");
        await AssertNotWrittenAsync("Patient", id);
    }

    [Fact]
    public async Task Wrong_primitive_is_400_naming_Patient_birthDate()
    {
        var id = FhirHttp.Unique();
        var response = await _client.PutAsync($"Patient/{id}", FhirServerFactory.Json($$$"""{"resourceType":"Patient","id":"{{{id}}}","birthDate":"yesterday"}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, expressionContains: "Patient.birthDate");
        await AssertNotWrittenAsync("Patient", id);
    }

    [Fact]
    public async Task Wrong_JSON_shape_is_400()
    {
        var response = await _client.PostAsync("Patient", FhirServerFactory.Json("""{"resourceType":"Patient","active":"yes","name":{"family":"x"}}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"resourceType":"NoSuchType"}""")]
    [InlineData("""{"active":true}""")]
    [InlineData("{}")]
    [InlineData("[]")]
    public async Task Body_that_is_not_a_FHIR_resource_is_400(string body)
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Patient", FhirServerFactory.Json(body)), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("POST", "Patient")]
    [InlineData("PUT", "Patient/abc")]
    [InlineData("POST", "")]
    [InlineData("PUT", "Patient?identifier=x")]
    public async Task Write_without_a_body_is_400(string method, string url)
    {
        var response = await _client.SendAsync(new HttpMethod(method), url, new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/fhir+json") } });
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Write_without_a_body_or_Content_Type_is_400()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Post, "Patient"), HttpStatusCode.BadRequest, "body");
    }

    [Theory]
    [InlineData("POST", "Patient/1")]
    [InlineData("PUT", "")]
    [InlineData("DELETE", "")]
    [InlineData("OPTIONS", "Patient")]
    [InlineData("POST", "Patient/1/_history")]
    public async Task Method_not_allowed_is_405(string method, string url)
    {
        var response = await _client.SendAsync(new HttpMethod(method), url, method is "POST" or "PUT" ? FhirServerFactory.Json("""{"resourceType":"Patient","id":"1"}""") : null);
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.MethodNotAllowed, method);
    }

    [Theory]
    [InlineData("document")]
    [InlineData("collection")]
    [InlineData("searchset")]
    public async Task Bundle_of_a_type_other_than_batch_or_transaction_posted_to_the_base_is_400(string type)
    {
        var value = FhirHttp.Unique();
        var response = await _client.PostAsync("", FhirServerFactory.Json($$$"""
            {"resourceType":"Bundle","type":"{{{type}}}","entry":[{"fullUrl":"urn:uuid:6a3c9d5e-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","identifier":[{"system":"urn:test:bad","value":"{{{value}}}"}]},"request":{"method":"POST","url":"Patient"}}]}
            """));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, type, "Bundle.type");
        var search = await (await _client.GetAsync($"Patient?identifier=urn:test:bad|{value}&_total=accurate")).JsonAsync();
        Assert.Equal(0, (int)search["total"]!);
    }

    [Fact]
    public async Task Resource_other_than_a_Bundle_posted_to_the_base_is_400()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("", FhirServerFactory.Json("""{"resourceType":"Patient","active":true}""")), HttpStatusCode.BadRequest, "Bundle");
    }

    [Fact]
    public async Task Transaction_entry_with_an_unknown_type_is_400()
    {
        var response = await _client.PostAsync("", FhirServerFactory.Json("""
            {"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"Nope/1"}}]}
            """));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.BadRequest, "Nope", "Bundle.entry[0]");
    }

    /// <summary>Content whose length is not known up front, so it is sent without Content-Length.</summary>
    private sealed class UnknownLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public UnknownLengthContent(string body, string mediaType)
        {
            _bytes = Encoding.UTF8.GetBytes(body);
            Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < _bytes.Length; i += 512)
                await stream.WriteAsync(_bytes.AsMemory(i, Math.Min(512, _bytes.Length - i)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
