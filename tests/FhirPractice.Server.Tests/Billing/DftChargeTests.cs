using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Hl7v2;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>
/// A DFT^P03 through the HL7 v2 bridge: its ChargeItem is put on the patient's Account and priced like any charge; the
/// guarantor an ADT's GT1 named is the guarantor of that account.
/// </summary>
public class DftChargeTests(MappedMllpServerFactory server) : IClassFixture<MappedMllpServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private async Task<JsonNode> ChargeAsync(string transactionId)
    {
        for (var i = 0; i < 100; i++)
        {
            var found = await (await _client.GetAsync($"ChargeItem?identifier={transactionId}")).JsonAsync();
            if (found["entry"]?.AsArray() is [{ } entry] && entry["resource"]!["account"] is not null) return entry["resource"]!;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No completed ChargeItem for FT1-2 {transactionId}");
    }

    [Fact]
    public async Task A_DFT_charge_without_price_or_account_gets_the_patient_s_account_and_the_default_schedule_s_price()
    {
        await _client.PutNewAsync("ChargeItemDefinition", "dft-fees", FeeScheduleJson.Definition("http://practice.example/fees/dft", "1", null,
            "2026-01-01", "2026-12-31", FeeScheduleJson.Base("99213", 90m)));
        var mrn = "M" + FhirHttp.Unique()[..8];
        var transaction = "T" + FhirHttp.Unique()[..8];
        var message = "MSH|^~\\&|BILLING|CLINIC|FHIRPRACTICE|PRACTICE|20260310120000||DFT^P03|D" + transaction + "|P|2.5.1\r" +
                      "EVN|P03|20260310120000\r" +
                      $"PID|1||{mrn}^^^CLINIC^MR||DOE^JANE||19800203|F\r" +
                      $"FT1|1|{transaction}||20260310||CG|99213^Office visit^C4|||1\r";
        var ack = V2.Parse(await V2.SendAsync(server.MllpPort, message));
        Assert.True(ack.Get("MSA-1") == "AA", ack.Get("MSA-3"));

        var charge = await ChargeAsync(transaction);
        Assert.Equal(90m, charge["extension"]!.AsArray().Single(e => (string?)e!["url"] == "urn:fhirpractice:billing:charge-price")!["valueMoney"]!["value"]!.GetValue<decimal>());
        Assert.Equal("http://practice.example/fees/dft|1", (string?)charge["definitionCanonical"]![0]);
        var patient = ((string)charge["subject"]!["reference"]!).Split('/')[1];
        var account = await (await _client.GetAsync((string)charge["account"]![0]!["reference"]!)).JsonAsync();
        Assert.Equal(patient, (string?)account["identifier"]![0]!["value"]);
        Assert.Equal("PBILLACCT", (string?)account["type"]!["coding"]![0]!["code"]);
    }

    [Fact]
    public async Task The_guarantor_an_ADT_named_is_the_guarantor_of_the_account_a_DFT_charge_opens()
    {
        var mrn = "M" + FhirHttp.Unique()[..8];
        var transaction = "T" + FhirHttp.Unique()[..8];
        var adt = "MSH|^~\\&|REGISTRATION|CLINIC|FHIRPRACTICE|PRACTICE|20260310110000||ADT^A08|A" + transaction + "|P|2.5.1\r" +
                  "EVN|A08|20260310110000\r" +
                  $"PID|1||{mrn}^^^CLINIC^MR||DOE^JANE||20100203|F||||||||||H{transaction}^^^CLINIC^AN\r" +
                  "GT1|1||DOE^MARY||2 OAK AVE^^SPRINGFIELD^IL^62704|||19790101|F||MTH^Mother^HL70063\r";
        var ack = V2.Parse(await V2.SendAsync(server.MllpPort, adt));
        Assert.True(ack.Get("MSA-1") == "AA", ack.Get("MSA-3"));
        var dft = "MSH|^~\\&|BILLING|CLINIC|FHIRPRACTICE|PRACTICE|20260310120000||DFT^P03|D" + transaction + "|P|2.5.1\r" +
                  $"PID|1||{mrn}^^^CLINIC^MR||DOE^JANE||20100203|F\r" +
                  $"FT1|1|{transaction}||20260310||CG|99213^Office visit^C4|||1\r";
        ack = V2.Parse(await V2.SendAsync(server.MllpPort, dft));
        Assert.True(ack.Get("MSA-1") == "AA", ack.Get("MSA-3"));

        var charge = await ChargeAsync(transaction);
        var account = await (await _client.GetAsync((string)charge["account"]![0]!["reference"]!)).JsonAsync();
        Assert.Equal("PBILLACCT", (string?)account["type"]!["coding"]![0]!["code"]);
        var guarantor = await (await _client.GetAsync((string)account["guarantor"]![0]!["party"]!["reference"]!)).JsonAsync();
        Assert.Equal(("RelatedPerson", "MARY"), ((string?)guarantor["resourceType"], (string?)guarantor["name"]![0]!["given"]![0]));
    }
}
