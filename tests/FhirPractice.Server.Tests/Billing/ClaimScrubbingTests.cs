using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Billing;

public class ClaimScrubbingTests : IClassFixture<BillingServerFactory>
{
    private readonly BillingServerFactory _factory;
    private readonly HttpClient _client;

    public ClaimScrubbingTests(BillingServerFactory factory)
    {
        _factory = factory;
        _client = factory.Client;
    }

    private static void AssertIssue(JsonNode outcome, string diagnostics, string expression)
    {
        var issues = outcome["issue"]!.AsArray();
        Assert.True(issues.Any(i => (string?)i!["severity"] == "error" &&
            ((string?)i["diagnostics"])!.Contains(diagnostics, StringComparison.Ordinal) &&
            i["expression"]!.AsArray().Any(e => ((string?)e)!.Contains(expression, StringComparison.Ordinal))), outcome.ToJsonString());
    }

    private static void AssertClean(JsonNode outcome)
    {
        var issue = Assert.Single(outcome["issue"]!.AsArray());
        Assert.Equal("information", (string?)issue!["severity"]);
    }

    [Fact]
    public async Task A_clean_claim_passes()
    {
        var data = await new BillingData(_client).PracticeAsync();
        AssertClean(await data.ScrubAsync(await data.ClaimAsync("CLEAN" + data.Id[..8], "2025-03-10", ["J02.9"], ("99213", 125m, [1]))));
    }

    [Fact]
    public async Task A_bad_NPI_is_named_on_the_billing_provider()
    {
        var data = await new BillingData(_client).PracticeAsync(npi: "1234567890");
        var outcome = await data.ScrubAsync(await data.ClaimAsync("NPI" + data.Id[..8], "2025-03-10", ["J02.9"], ("99213", 125m, [1])));
        AssertIssue(outcome, "NPI '1234567890' fails the check digit", "Organization.identifier.where(system='http://hl7.org/fhir/sid/us-npi')");
        AssertIssue(outcome, "NPI '1234567890'", "Claim.provider");
    }

    [Fact]
    public async Task A_category_header_is_not_billable()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var outcome = await data.ScrubAsync(await data.ClaimAsync("HDR" + data.Id[..8], "2025-03-10", ["J02.9", "J01.9"], ("99213", 125m, [1, 2])));
        AssertIssue(outcome, "ICD-10-CM J01.9 is a category header, not billable", "Claim.diagnosis[1].diagnosis");
        Assert.Single(outcome["issue"]!.AsArray());
    }

    [Fact]
    public async Task A_code_missing_its_seventh_character_says_so()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var outcome = await data.ScrubAsync(await data.ClaimAsync("SEV" + data.Id[..8], "2025-03-10", ["S63.501"], ("99213", 125m, [1])));
        AssertIssue(outcome, "with a 7th character", "Claim.diagnosis[0].diagnosis");
    }

    [Fact]
    public async Task A_code_not_yet_valid_on_the_date_of_service_is_refused()
    {
        var data = await new BillingData(_client).PracticeAsync();
        // E11.A came with the FY2025 release (1 October 2024): valid in March 2025, not in May 2024.
        AssertClean(await data.ScrubAsync(await data.ClaimAsync("NEW" + data.Id[..8], "2025-03-10", ["E11.A"], ("99213", 125m, [1]))));
        var outcome = await data.ScrubAsync(await data.ClaimAsync("OLD" + data.Id[..8], "2024-05-01", ["E11.A"], ("99213", 125m, [1])));
        AssertIssue(outcome, "ICD-10-CM E11.A is not valid on 2024-05-01 (not in the FY2024 release)", "Claim.diagnosis[0].diagnosis");
    }

    [Fact]
    public async Task An_HCPCS_code_is_checked_against_the_catalog_on_the_date_of_service()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var claim = await data.ClaimAsync("HCP" + data.Id[..8], "2024-02-01", ["J02.9"], ("99213", 125m, [1]));
        async Task<JsonNode> ScrubWithAsync(string code)
        {
            var patched = await _client.PatchAsync($"Claim/{claim}", FhirHttp.Raw($$$"""
                [{"op":"replace","path":"/item/0/productOrService/coding/0","value":{"system":"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets","code":"{{{code}}}"}}]
                """, "application/json-patch+json"));
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            return await data.ScrubAsync(claim);
        }
        // The tests' FY2024 HCPCS file: G0136 from 1 January 2024, Q9999 terminated on 31 December 2023.
        AssertClean(await ScrubWithAsync("G0136"));
        AssertIssue(await ScrubWithAsync("Q9999"), "Line 1: HCPCS Q9999 is not in effect on 2024-02-01", "Claim.item[0].productOrService");
        AssertIssue(await ScrubWithAsync("G0009"), "Line 1: HCPCS G0009 is not valid on 2024-02-01 (not in the FY2024 release)", "Claim.item[0].productOrService");
    }

    [Fact]
    public async Task A_missing_subscriber_is_named_on_the_coverage()
    {
        var data = await new BillingData(_client).PracticeAsync(subscriberId: "");
        var outcome = await data.ScrubAsync(await data.ClaimAsync("SUB" + data.Id[..8], "2025-03-10", ["J02.9"], ("99213", 125m, [1])));
        AssertIssue(outcome, "no subscriber id", "Coverage.subscriberId");
    }

    [Fact]
    public async Task A_spouse_who_is_not_a_patient_here_is_the_claims_subscriber()
    {
        var data = await new BillingData(_client).PracticeAsync(spouseSubscribes: true);
        var claim = await data.ClaimAsync("SPS" + data.Id[..8], "2025-03-10", ["J02.9"], ("99213", 125m, [1]));
        AssertClean(await data.ScrubAsync(claim));
        var submitted = await (await _client.PostAsync($"Claim/{claim}/$submit", null)).JsonAsync();
        var control = (string?)submitted["identifier"]![0]!["value"];
        var x12 = File.ReadAllText(Assert.Single(_factory.Outbound(), f => f.EndsWith($"837P-{control}.x12")));
        Assert.Contains("SBR*P**GRP1", x12);
        Assert.Contains("NM1*IL*1*DOE*JOHN****MI*MEM123", x12);
        Assert.Contains("PAT*01", x12);
        Assert.Contains("NM1*QC*1*DOE*JANE", x12);
    }

    [Fact]
    public async Task Five_diagnosis_pointers_on_a_line_are_refused()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var outcome = await data.ScrubAsync(await data.ClaimAsync("PTR" + data.Id[..8], "2025-03-10", ["J02.9", "I10", "E66.9", "K21.9", "R73.03"],
            ("99213", 125m, [1, 2, 3, 4, 5])));
        AssertIssue(outcome, "Line 1 has 5 diagnosis pointers; an 837P line takes 1 to 4", "Claim.item[0].diagnosisSequence");
    }

    [Fact]
    public async Task Bad_procedure_and_modifier_formats_are_refused()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var outcome = await data.ScrubAsync(await data.ClaimAsync("FMT" + data.Id[..8], "2025-03-10", ["J02.9"], ("9921", 125m, [1])));
        AssertIssue(outcome, "'9921' is not a CPT code", "Claim.item[0].productOrService");
    }

    [Fact]
    public async Task A_second_claim_for_the_same_services_is_a_duplicate_and_a_submitted_claim_goes_to_the_drop_folder()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var first = await data.ClaimAsync("DUP1" + data.Id[..8], "2025-03-10", ["J02.9"], ("99213", 125m, [1]), ("87880", 35.5m, [1]));
        var submitted = await _client.PostAsync($"Claim/{first}/$submit", null);
        var response = await submitted.JsonAsync();
        Assert.True(submitted.StatusCode == HttpStatusCode.Created, response.ToJsonString());
        Assert.Equal("ClaimResponse", (string?)response["resourceType"]);
        Assert.Equal("queued", (string?)response["outcome"]);
        // The answer is the stored ClaimResponse, readable by its id.
        var stored = await _client.GetAsync($"ClaimResponse/{(string?)response["id"]}");
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var control = (string?)response["identifier"]![0]!["value"];
        var file = Assert.Single(_factory.Outbound(), f => f.EndsWith($"837P-{control}.x12"));
        Assert.Contains("CLM*DUP1" + data.Id[..8] + "*160.5***11:B:1", File.ReadAllText(file));
        var claim = await (await _client.GetAsync($"Claim/{first}")).JsonAsync();
        Assert.Equal("active", (string?)claim["status"]);

        var second = await data.ClaimAsync("DUP2" + data.Id[..8], "2025-03-10", ["J02.9"], ("87880", 35.5m, [1]), ("99213", 125m, [1]));
        AssertIssue(await data.ScrubAsync(second), $"Duplicate of Claim/{first}", "Claim");
        var refused = await (await _client.PostAsync($"Claim/{second}/$submit", null)).JsonAsync();
        Assert.Equal("error", (string?)refused["outcome"]);
        Assert.Contains($"Duplicate of Claim/{first}", (string?)refused["error"]![0]!["code"]!["text"]);

        // Submitted once; a second submission of the same claim is refused.
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Claim/{first}/$submit", null), HttpStatusCode.UnprocessableEntity, "Only a draft claim", "Claim.status");
    }

    [Fact]
    public async Task Submitting_an_unknown_claim_is_404_and_GET_is_not_allowed()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Claim/nope/$submit", null), HttpStatusCode.NotFound, "does not exist");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("Claim/nope/$submit"), HttpStatusCode.MethodNotAllowed, "use POST");
    }
}
