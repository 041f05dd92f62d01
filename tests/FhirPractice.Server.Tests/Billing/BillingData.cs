using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>A practice, a payer, a patient with coverage, and claims for them, created over HTTP for the billing tests.</summary>
public sealed class BillingData(HttpClient client)
{
    public string Id { get; } = FhirHttp.Unique();
    public const string GoodNpi = "1234567893";
    public const string GoodRenderingNpi = "1245319599";

    /// <summary>
    /// The practice, payer, patient and coverage. With <paramref name="spouseSubscribes"/> the subscriber is the
    /// patient's husband, a RelatedPerson, and the relationship is coded as the HL7 v2 bridge codes an IN1-17
    /// (subscriber-relationship, then v3 RoleCode, then table 0063).
    /// </summary>
    public async Task<BillingData> PracticeAsync(string npi = GoodNpi, string subscriberId = "MEM123", bool spouseSubscribes = false)
    {
        await client.PutNewAsync("Organization", "prov" + Id, $$"""
            "identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"{{npi}}"},{"system":"urn:oid:2.16.840.1.113883.4.4","value":"12-3456789"}],
            "name":"GOOD HEALTH CLINIC","address":[{"line":["1 MAIN ST"],"city":"SPRINGFIELD","state":"IL","postalCode":"62701-1234"}]
            """);
        await client.PutNewAsync("Practitioner", "doc" + Id, $$"""
            "identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"{{GoodRenderingNpi}}"}],"name":[{"family":"WELBY","given":["MARCUS"]}]
            """);
        await client.PutNewAsync("Organization", "payer" + Id, """
            "identifier":[{"system":"urn:fhirpractice:billing:payer-id","value":"TESTPAYER"}],"name":"TEST HEALTH PLAN"
            """);
        await client.PutNewAsync("Patient", "pat" + Id, """
            "name":[{"family":"DOE","given":["JANE"]}],"gender":"female","birthDate":"1980-02-03",
            "address":[{"line":["2 OAK AVE"],"city":"SPRINGFIELD","state":"IL","postalCode":"62704"}]
            """);
        if (spouseSubscribes)
            await client.PutNewAsync("RelatedPerson", "rp" + Id, $$"""
                "patient":{"reference":"Patient/pat{{Id}}"},"name":[{"family":"DOE","given":["JOHN"]}],"gender":"male","birthDate":"1978-05-06",
                "address":[{"line":["2 OAK AVE"],"city":"SPRINGFIELD","state":"IL","postalCode":"62704"}]
                """);
        await client.PutNewAsync("Coverage", "cov" + Id, $$"""
            "status":"active","beneficiary":{"reference":"Patient/pat{{Id}}"},"payor":[{"reference":"Organization/payer{{Id}}"}],
            {{(subscriberId.Length == 0 ? "" : $"\"subscriberId\":\"{subscriberId}\",")}}
            {{(spouseSubscribes ? Spouse : Self)}},"order":1,
            "class":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/coverage-class","code":"group"}]},"value":"GRP1"}]
            """);
        return this;
    }

    private const string Self = """
        "relationship":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/subscriber-relationship","code":"self"}]}
        """;

    private string Spouse => $$"""
        "subscriber":{"reference":"RelatedPerson/rp{{Id}}"},
        "relationship":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/subscriber-relationship","code":"spouse"},
          {"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"SPS"},{"system":"http://terminology.hl7.org/CodeSystem/v2-0063","code":"SPO"}]}
        """;

    /// <summary>Stores a draft claim; its lines are (CPT, charge, diagnosis pointers).</summary>
    public async Task<string> ClaimAsync(string claimNumber, string serviceDate, string[] diagnoses, params (string Code, decimal Charge, int[] Pointers)[] lines)
    {
        var id = "claim" + FhirHttp.Unique();
        var items = string.Join(",", lines.Select((l, i) => $$$"""
            {"sequence":{{{i + 1}}},"diagnosisSequence":[{{{string.Join(",", l.Pointers)}}}],
             "productOrService":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"{{{l.Code}}}"}]},
             "servicedDate":"{{{serviceDate}}}","quantity":{"value":1},"net":{"value":{{{l.Charge}}},"currency":"USD"}}
            """));
        var dx = string.Join(",", diagnoses.Select((d, i) => $$$"""
            {"sequence":{{{i + 1}}},"diagnosisCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"{{{d}}}"}]}}
            """));
        await client.PutNewAsync("Claim", id, $$$"""
            "identifier":[{"system":"urn:fhirpractice:billing:claim-number","value":"{{{claimNumber}}}"}],
            "status":"draft","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/claim-type","code":"professional"}]},
            "use":"claim","patient":{"reference":"Patient/pat{{{Id}}}"},"created":"2025-03-11","provider":{"reference":"Organization/prov{{{Id}}}"},
            "priority":{"coding":[{"code":"normal"}]},
            "careTeam":[{"sequence":1,"provider":{"reference":"Practitioner/doc{{{Id}}}"}}],
            "diagnosis":[{{{dx}}}],
            "insurance":[{"sequence":1,"focal":true,"coverage":{"reference":"Coverage/cov{{{Id}}}"}}],
            "item":[{{{items}}}],
            "total":{"value":{{{lines.Sum(l => l.Charge)}}},"currency":"USD"}
            """);
        return id;
    }

    public async Task<JsonNode> ScrubAsync(string claimId)
    {
        var response = await client.PostAsync($"Claim/{claimId}/$scrub", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
