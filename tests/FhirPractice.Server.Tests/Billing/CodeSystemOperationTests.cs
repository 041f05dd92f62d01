using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FhirPractice.Billing.CodeSets;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>The code sets as stored CodeSystems, CodeSystem/$lookup and $validate-code, ValueSet/$validate-code.</summary>
public class CodeSystemOperationTests(BillingServerFactory server) : IClassFixture<BillingServerFactory>
{
    private const string Icd = "http://hl7.org/fhir/sid/icd-10-cm";
    private const string Hcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
    private const string Cpt = "http://www.ama-assn.org/go/cpt";
    private readonly HttpClient _client = server.Client;

    private async Task<JsonNode> OkAsync(string url)
    {
        var response = await _client.GetAsync(url);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private static JsonNode? Out(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == name);

    private static string? Text(JsonNode parameters, string name) => Out(parameters, name) is { } p ? (string?)(p["valueString"] ?? p["valueBoolean"]?.ToString()) : null;

    private static JsonNode? Property(JsonNode parameters, string code) =>
        parameters["parameter"]!.AsArray().Where(p => (string?)p!["name"] == "property")
            .Select(p => p!["part"]!.AsArray()).FirstOrDefault(parts => (string?)parts[0]!["valueCode"] == code)?[1];

    [Fact]
    public async Task Each_release_is_a_stored_CodeSystem_versioned_by_fiscal_year()
    {
        var bundle = await OkAsync($"CodeSystem?url={Icd}&version=2025");
        var codeSystem = Assert.Single(bundle["entry"]!.AsArray())!["resource"]!;
        Assert.Equal("complete", (string?)codeSystem["content"]);
        Assert.Equal("2024-10-01", (string?)codeSystem["extension"]![0]!["valuePeriod"]!["start"]);
        var header = codeSystem["concept"]!.AsArray().Single(c => (string?)c!["code"] == "J01.9")!;
        Assert.Contains(header["property"]!.AsArray(), p => (string?)p!["code"] == "notSelectable" && (bool?)p["valueBoolean"] == true);
        // The seed's HCPCS (FY2025) and the tests' HCPCS file (FY2024) are stored too.
        Assert.Equal(2, (await OkAsync($"CodeSystem?url={Hcpcs}&_total=accurate"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Lookup_answers_the_release_of_the_date_of_service_with_display_designation_and_billable()
    {
        var result = await OkAsync($"CodeSystem/$lookup?system={Icd}&code=J01.90&date=2025-03-10");
        Assert.Equal(("ICD-10-CM", "2025", "Acute sinusitis, unspecified"), (Text(result, "name"), Text(result, "version"), Text(result, "display")));
        Assert.True((bool?)Property(result, "billable")!["valueBoolean"]);

        var header = await OkAsync($"CodeSystem/$lookup?coding={Icd}|J019&date=2024-11-01");
        Assert.False((bool?)Property(header, "billable")!["valueBoolean"]);
        Assert.True((bool?)Property(header, "notSelectable")!["valueBoolean"]);

        var hcpcs = await OkAsync($"CodeSystem/$lookup?system={Hcpcs}&code=G0008&version=2025");
        Assert.Equal("Admin influenza virus vac", (string?)Out(hcpcs, "designation")!["part"]![1]!["valueString"]);
        Assert.Equal("1993-01-01", (string?)Property(hcpcs, "effectiveDate")!["valueDateTime"]);
    }

    [Fact]
    public async Task Lookup_by_POST_takes_a_Parameters_body()
    {
        var response = await _client.PostAsync("CodeSystem/$lookup", FhirServerFactory.Json($$$"""
            {"resourceType":"Parameters","parameter":[{"name":"coding","valueCoding":{"system":"{{{Icd}}}","code":"E11.A"}},{"name":"date","valueDateTime":"2025-01-15T10:00:00Z"}]}
            """));
        var result = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToJsonString());
        Assert.Equal("Type 2 diabetes mellitus without complications in remission", Text(result, "display"));
    }

    [Fact]
    public async Task Lookup_refuses_bad_input_with_a_precise_outcome()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=J99.99&date=2025-03-10"), HttpStatusCode.NotFound, "ICD-10-CM J99.99 is not in the FY2025 release");
        // E11.A came with FY2025: not there on a date of service in FY2024.
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=E11.A&date=2024-05-01"), HttpStatusCode.NotFound, "not in the FY2024 release (in effect on 2024-05-01)");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=12345"), HttpStatusCode.BadRequest, "'12345' is not an ICD-10-CM code", "code");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("CodeSystem/$lookup?system=http://loinc.org&code=1234-5"), HttpStatusCode.NotFound, "'http://loinc.org' is not held here");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}"), HttpStatusCode.BadRequest, "needs 'code'", "code");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("CodeSystem/$lookup?code=I10"), HttpStatusCode.BadRequest, "needs 'system'", "system");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=I10&date=10/03/2025"), HttpStatusCode.BadRequest, "'date' must be a date", "date");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=I10&version=2024&date=2025-03-10"), HttpStatusCode.BadRequest, "version 2024 is not the release in effect on 2025-03-10 (FY2025)", "version");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=I10&version=FY25"), HttpStatusCode.BadRequest, "'version' is a fiscal year", "version");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=I10&colour=red"), HttpStatusCode.BadRequest, "no parameter 'colour'", "colour");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Icd}&code=I10&coding={Hcpcs}|G0008"), HttpStatusCode.BadRequest, "the coding says", "system");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Cpt}&code=99213&date=2025-03-10"), HttpStatusCode.NotFound, "no licensed CPT release is loaded for fiscal year 2025");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$lookup?system={Hcpcs}&code=G0008&date=2015-06-01"), HttpStatusCode.NotFound, "no HCPCS Level II release is loaded for fiscal year 2015");
    }

    [Theory]
    [InlineData(Icd, "J01.90", "2025-03-10", true, null)]
    [InlineData(Icd, "J01.9", "2025-03-10", false, "is a category header, not billable")]
    [InlineData(Icd, "S63.501", "2025-03-10", false, "is a category header, not billable")]
    [InlineData(Icd, "E11.A", "2024-05-01", false, "is not valid on 2024-05-01 (not in the FY2024 release)")]
    [InlineData(Icd, "J99.99", "2025-03-10", false, "not in the FY2025 release")]
    [InlineData(Icd, "1234", "2025-03-10", false, "'1234' is not an ICD-10-CM code")]
    [InlineData(Hcpcs, "G0136", "2023-12-01", false, "HCPCS Level II G0136 is not in effect on 2023-12-01")]
    [InlineData(Hcpcs, "G0136", "2024-02-01", true, null)]
    [InlineData(Hcpcs, "Q9999", "2024-02-01", false, "not in effect on 2024-02-01")]
    [InlineData(Cpt, "99213", "2025-03-10", true, "Accepted by format: no licensed CPT release is loaded for fiscal year 2025")]
    [InlineData(Cpt, "9921", "2025-03-10", false, "'9921' is not a CPT code")]
    public async Task Validate_code_says_whether_a_code_is_valid_and_billable_on_the_date(string system, string code, string date, bool valid, string? message)
    {
        var result = await OkAsync($"CodeSystem/$validate-code?url={system}&code={code}&date={date}");
        Assert.Equal(valid, (bool?)Out(result, "result")!["valueBoolean"]);
        if (message is null) Assert.Null(Out(result, "message"));
        else Assert.Contains(message, (string?)Out(result, "message")!["valueString"]);
    }

    [Fact]
    public async Task A_header_is_valid_where_abstract_codes_are_allowed_and_a_wrong_display_is_not()
    {
        Assert.True((bool?)Out(await OkAsync($"CodeSystem/$validate-code?url={Icd}&code=J01.9&date=2025-03-10&abstract=true"), "result")!["valueBoolean"]);
        var display = await OkAsync($"CodeSystem/$validate-code?url={Icd}&code=I10&date=2025-03-10&display=Hypotension");
        Assert.False((bool?)Out(display, "result")!["valueBoolean"]);
        Assert.Equal("Essential (primary) hypertension", (string?)Out(display, "display")!["valueString"]);
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"CodeSystem/$validate-code?url={Icd}&code=I10&abstract=maybe"), HttpStatusCode.BadRequest, "'abstract' must be true or false", "abstract");
    }

    [Fact]
    public async Task ValueSet_validate_code_answers_for_the_implicit_value_set_of_a_code_system()
    {
        var result = await OkAsync($"ValueSet/$validate-code?url={Icd}?fhir_vs&system={Icd}&code=I10&date=2025-03-10");
        Assert.True((bool?)Out(result, "result")!["valueBoolean"]);
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"ValueSet/$validate-code?url=http://example.org/vs&code=I10"), HttpStatusCode.NotFound, "is not held here");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"ValueSet/$validate-code?url={Icd}?fhir_vs&system={Hcpcs}&code=I10"), HttpStatusCode.BadRequest, "'system'", "system");
    }

    [Fact]
    public async Task A_licensed_CPT_release_stored_as_a_CodeSystem_replaces_the_format_check_in_operations_and_scrubbing()
    {
        // FY2031: no other test uses it. Stored through the REST API like any CodeSystem; the catalog follows.
        var put = await _client.PutAsync("CodeSystem/cpt-2031", FhirServerFactory.Json($$"""
            {"resourceType":"CodeSystem","id":"cpt-2031","url":"{{Cpt}}","version":"2031","status":"active","content":"complete",
             "concept":[{"code":"99213","display":"Office or other outpatient visit for an established patient"}] }
            """));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.True((bool?)Out(await OkAsync($"CodeSystem/$validate-code?url={Cpt}&code=99213&date=2031-03-01"), "result")!["valueBoolean"]);
        var unknown = await OkAsync($"CodeSystem/$validate-code?url={Cpt}&code=99214&date=2031-03-01");
        Assert.False((bool?)Out(unknown, "result")!["valueBoolean"]);
        Assert.Contains("not in the FY2031 release", (string?)Out(unknown, "message")!["valueString"]);

        var catalog = server.Services.GetRequiredService<CodeSetCatalog>();
        Assert.Equal(CodeStatus.NotInRelease, catalog.Check(FhirPractice.Billing.BillingSystems.Cpt, "99214", new DateOnly(2031, 3, 1)));

        // Deleting it brings back the format check.
        Assert.True((await _client.DeleteAsync("CodeSystem/cpt-2031")).IsSuccessStatusCode);
        Assert.Contains("Accepted by format", (string?)Out(await OkAsync($"CodeSystem/$validate-code?url={Cpt}&code=99214&date=2031-03-01"), "message")!["valueString"]);
    }

    [Fact]
    public async Task Importing_a_CPT_file_stores_it_once_and_the_same_file_again_writes_nothing()
    {
        var import = server.Services.GetRequiredService<CodeSetImport>();
        CodeSetRelease File() => CodeSetFiles.Read("cpt_2032.csv", new MemoryStream(Encoding.UTF8.GetBytes("code,display\n99213,\"Office visit, established\"\n")));
        Assert.True(Assert.Single(await import.ImportAsync([File()], CancellationToken.None)).Written);
        Assert.False(Assert.Single(await import.ImportAsync([File()], CancellationToken.None)).Written);
        Assert.Equal(1, (await OkAsync($"CodeSystem?url={Cpt}&version=2032&_total=accurate"))["total"]!.GetValue<int>());
        Assert.Equal("Office visit, established", Text(await OkAsync($"CodeSystem/$lookup?system={Cpt}&code=99213&version=2032"), "display"));
    }
}
