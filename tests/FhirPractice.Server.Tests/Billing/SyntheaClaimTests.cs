using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Tests;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>
/// A Synthea encounter becomes a claim: the practice adds what Synthea does not carry (NPI, TIN and ZIP+4 of the
/// clinic, the rendering NPI, a payer and coverage, an ICD-10-CM diagnosis, the charges), then $build-claim,
/// $scrub and $submit; node-x12 reads the 837P back, and the payer's 835 for it posts to the patient's account.
/// </summary>
public class SyntheaClaimTests(BillingServerFactory server) : IClassFixture<BillingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [SyntheaX12Fact]
    public async Task A_Synthea_encounter_becomes_an_837P_that_node_x12_reads_back()
    {
        var file = Directory.EnumerateFiles(Corpus.Find(SyntheaX12FactAttribute.Synthea)!, "*.json").Order(StringComparer.Ordinal).First();
        var posted = await _client.PostAsync("", FhirServerFactory.Json(await File.ReadAllTextAsync(file)));
        var result = await posted.JsonAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.OK, result.ToJsonString()[..Math.Min(2000, result.ToJsonString().Length)]);
        var patient = ((string)result["entry"]![0]!["response"]!["location"]!).Split("/_history")[0];

        var encounters = await (await _client.GetAsync($"Encounter?subject={patient}&_sort=-date&_count=1")).JsonAsync();
        var encounter = encounters["entry"]![0]!["resource"]!;
        var encounterId = (string)encounter["id"]!;
        var date = ((string)encounter["period"]!["start"]!)[..10];
        var clinic = (string)encounter["serviceProvider"]!["reference"]!;
        var doctor = (string)encounter["participant"]![0]!["individual"]!["reference"]!;

        // What a practice records for billing and Synthea does not carry.
        await AmendAsync(clinic, o =>
        {
            o["identifier"] = JsonNode.Parse("""[{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"},{"system":"urn:oid:2.16.840.1.113883.4.4","value":"12-3456789"}]""");
            o["address"]![0]!["postalCode"] = "02720-1234";
        });
        await AmendAsync(doctor, p => p["identifier"] = JsonNode.Parse("""[{"system":"http://hl7.org/fhir/sid/us-npi","value":"1245319599"}]"""));
        var id = FhirHttp.Unique();
        await _client.PutNewAsync("Organization", "payer" + id, "\"identifier\":[{\"system\":\"urn:fhirpractice:billing:payer-id\",\"value\":\"TESTPAYER\"}],\"name\":\"TEST HEALTH PLAN\"");
        await _client.PutNewAsync("Coverage", "cov" + id, $$"""
            "status":"active","beneficiary":{"reference":"{{patient}}"},"payor":[{"reference":"Organization/payer{{id}}"}],"subscriberId":"SYN{{id[..8]}}",
            "relationship":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/subscriber-relationship","code":"self"}]},"order":1
            """);
        await _client.PutNewAsync("Condition", "dx" + id, $$"""
            "subject":{"reference":"{{patient}}"},"encounter":{"reference":"Encounter/{{encounterId}}"},
            "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"J02.9"}]}
            """);
        await Charge("c1" + id, patient, encounterId, "99213", 125.00m, "");
        await Charge("c2" + id, patient, encounterId, "87880", 35.50m, "\"extension\":[{\"url\":\"urn:fhirpractice:billing:charge-modifier\",\"valueCode\":\"QW\"}],");

        var built = await _client.PostAsync($"Encounter/{encounterId}/$build-claim", null);
        var claim = await built.JsonAsync();
        Assert.True(built.StatusCode == HttpStatusCode.Created, claim.ToJsonString());
        var claimId = (string)claim["id"]!;
        var claimNumber = (string)claim["identifier"]![0]!["value"]!;
        Assert.Equal(160.5m, (decimal)claim["total"]!["value"]!);

        var scrubbed = await (await _client.PostAsync($"Claim/{claimId}/$scrub", null)).JsonAsync();
        Assert.Equal("information", (string?)Assert.Single(scrubbed["issue"]!.AsArray())!["severity"]);
        var submitted = await (await _client.PostAsync($"Claim/{claimId}/$submit", null)).JsonAsync();
        Assert.Equal("queued", (string?)submitted["outcome"]);
        var control = (string)submitted["identifier"]![0]!["value"]!;

        var x12 = await X12Peer.ReadAsync(Assert.Single(server.Outbound(), f => f.EndsWith($"837P-{control}.x12")));
        Assert.Equal(["1", control.TrimStart('0')], x12["trailer"]!.AsArray().Select(e => ((string)e!).TrimStart('0')));
        var group = Assert.Single(x12["groups"]!.AsArray())!;
        Assert.Equal("005010X222A1", (string?)group["header"]![7]);
        var transaction = Assert.Single(group["transactions"]!.AsArray())!;
        Assert.Equal(["837", "0001", "005010X222A1"], transaction["header"]!.AsArray().Select(e => (string)e!));
        var segments = transaction["segments"]!.AsArray().Select(s => s!.AsArray().Select(e => (string)e!).ToArray()).ToList();
        Assert.Equal((segments.Count + 2).ToString(), (string?)transaction["trailer"]![0]);

        string[][] Where(string tag, string? first = null) => segments.Where(s => s[0] == tag && (first is null || s[1] == first)).ToArray();
        // Loops: 1000A/1000B, 2000A (HL 20) with 2010AA, 2000B (HL 22, subscriber is the patient) with 2010BA/2010BB, 2300, 2310B, two 2400.
        Assert.Equal(["41", "40", "85", "IL", "PR", "82"], Where("NM1").Select(s => s[1]));
        Assert.Equal(["1", "", "20", "1"], Where("HL")[0][1..]);
        Assert.Equal(["2", "1", "22", "0"], Where("HL")[1][1..]);
        Assert.Equal("18", Where("SBR").Single()[2]);
        Assert.Equal("1234567893", Where("NM1", "85").Single()[9]);
        Assert.Equal("123456789", Where("REF", "EI").Single()[2]);
        Assert.Equal("027201234", Where("N4")[0][3]);
        var clm = Where("CLM").Single();
        Assert.Equal([claimNumber, "160.5"], clm[1..3]);
        Assert.Equal("11:B:1", clm[5]);
        Assert.Equal("ABK:J029", Where("HI").Single()[1]);
        Assert.Equal(["HC:99213", "HC:87880:QW"], Where("SV1").Select(s => s[1]));
        Assert.Equal(["1", "2"], Where("LX").Select(s => s[1]));
        Assert.Equal([$"{claimNumber}-1", $"{claimNumber}-2"], Where("REF", "6R").Select(s => s[2]));
        Assert.All(Where("DTP", "472"), d => Assert.Equal(date.Replace("-", ""), d[3]));

        // The payer's 835 echoes the line control numbers the 837P sent: line 1 paid in part (CO-45, PR-1), line 2 in full.
        var controls = Where("REF", "6R").Select(s => s[2]).ToArray();
        var remitted = await _client.PostAsync("$import-remittance", FhirServerFactory.Json(new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(new JsonObject
            {
                ["name"] = "x12",
                ["valueString"] = RemittanceFile.Remittance("SYN" + id, [new(claimNumber, "1",
                    new RemittanceFile.Line(controls[0], "99213", 125.00m, 100.00m, ("CO", "45", 15.00m), ("PR", "1", 10.00m)),
                    new RemittanceFile.Line(controls[1], "87880", 35.50m, 35.50m))]),
            }),
        }.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, remitted.StatusCode);
        var account = (string)(await (await _client.GetAsync($"Account?subject={patient}")).JsonAsync())["entry"]![0]!["resource"]!["id"]!;
        var balance = (await (await _client.GetAsync($"Account/{account}/$balance")).JsonAsync())["parameter"]!.AsArray()
            .ToDictionary(p => (string)p!["name"]!, p => p!["valueDecimal"] is { } v ? (decimal)v : 0m);
        Assert.Equal((0.00m, 10.00m, 10.00m), (balance["payer"], balance["patient"], balance["total"]));
    }

    private async Task AmendAsync(string reference, Action<JsonNode> change)
    {
        var resource = await (await _client.GetAsync(reference)).JsonAsync();
        change(resource);
        var response = await _client.PutAsync(reference, FhirServerFactory.Json(resource.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task Charge(string id, string patient, string encounter, string cpt, decimal price, string extra) =>
        _client.PutNewAsync("ChargeItem", id, $$"""
            {{extra}}"status":"billable","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"{{cpt}}"}]},
            "subject":{"reference":"{{patient}}"},"context":{"reference":"Encounter/{{encounter}}"},"quantity":{"value":1},
            "priceOverride":{"value":{{price}},"currency":"USD"},
            "reason":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"J02.9"}]}]
            """);
}
