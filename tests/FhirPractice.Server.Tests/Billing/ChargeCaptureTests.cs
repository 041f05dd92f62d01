using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>
/// Encounter/$capture-charges, fee schedules per payer with modifiers and effective periods, the patient's Account,
/// and ChargeItems from other doors completed the same way. The schedules are in effect in 2026 only (a default one
/// and, per test, one for the test's own payer), so the tests of this class do not price each other's charges.
/// </summary>
public class ChargeCaptureTests(BillingServerFactory server) : IClassFixture<BillingServerFactory>
{
    private const string Cpt = "http://www.ama-assn.org/go/cpt";
    private const string Hcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
    private readonly HttpClient _client = server.Client;
    private static readonly SemaphoreSlim DefaultOnce = new(1, 1);
    private static bool _defaultStored;

    /// <summary>The default schedule for 2026 (99213 at 100, G0008 at 25), stored once per server.</summary>
    private async Task DefaultScheduleAsync()
    {
        await DefaultOnce.WaitAsync();
        try
        {
            if (_defaultStored) return;
            await _client.PutNewAsync("ChargeItemDefinition", "fees-default", FeeScheduleJson.Definition("http://practice.example/fees/default", "2026", null,
                "2026-01-01", "2026-12-31", FeeScheduleJson.Base("99213", 100m), FeeScheduleJson.Base("G0008", 25m)));
            _defaultStored = true;
        }
        finally { DefaultOnce.Release(); }
    }

    private async Task<BillingData> PracticeWithPayerScheduleAsync()
    {
        await DefaultScheduleAsync();
        var data = await new BillingData(_client).PracticeAsync();
        await _client.PutNewAsync("ChargeItemDefinition", "fees" + data.Id, FeeScheduleJson.Definition($"http://practice.example/fees/{data.Id}", "2026.1", $"Organization/payer{data.Id}",
            "2026-01-01", "2026-12-31", FeeScheduleJson.Base("99213", 125.50m), FeeScheduleJson.Modifier("99213", "25", amount: 10m), FeeScheduleJson.Modifier("99213", "50", factor: 0.5m)));
        return data;
    }

    private async Task<string> EncounterAsync(BillingData data, string status = "finished")
    {
        var id = "enc" + FhirHttp.Unique();
        await _client.PutNewAsync("Encounter", id, $$$"""
            "status":"{{{status}}}","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
            "type":[{"coding":[{"system":"{{{Cpt}}}","code":"99213","display":"Office visit"},{"system":"http://snomed.info/sct","code":"185349003"}]}],
            "subject":{"reference":"Patient/pat{{{data.Id}}}"},"participant":[{"individual":{"reference":"Practitioner/doc{{{data.Id}}}"}}],
            "period":{"start":"2026-03-10T09:00:00Z","end":"2026-03-10T09:30:00Z"},"serviceProvider":{"reference":"Organization/prov{{{data.Id}}}"}
            """);
        await _client.PutNewAsync("Condition", "dx" + id, $$$"""
            "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"J02.9"}]},"subject":{"reference":"Patient/pat{{{data.Id}}}"},"encounter":{"reference":"Encounter/{{{id}}}"}
            """);
        await _client.PutNewAsync("Procedure", "flu" + id, $$$"""
            "status":"completed","code":{"coding":[{"system":"{{{Hcpcs}}}","code":"G0008"}]},"subject":{"reference":"Patient/pat{{{data.Id}}}"},
            "encounter":{"reference":"Encounter/{{{id}}}"},"performedDateTime":"2026-03-10T09:20:00Z"
            """);
        await _client.PutNewAsync("Procedure", "exam" + id, $$$"""
            "status":"completed","code":{"coding":[{"system":"http://snomed.info/sct","code":"162673000"}]},"subject":{"reference":"Patient/pat{{{data.Id}}}"},"encounter":{"reference":"Encounter/{{{id}}}"}
            """);
        return id;
    }

    private async Task<JsonNode> CaptureAsync(string encounter)
    {
        var response = await _client.PostAsync($"Encounter/{encounter}/$capture-charges", null);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    private static JsonNode Charge(JsonNode bundle, string code) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!).Single(r => (string?)r["code"]!["coding"]![0]!["code"] == code);

    private static decimal? Price(JsonNode charge) =>
        charge["extension"]?.AsArray().FirstOrDefault(e => (string?)e!["url"] == "urn:fhirpractice:billing:charge-price")?["valueMoney"]!["value"]!.GetValue<decimal>();

    private async Task<JsonNode> ReadAsync(string path) => await (await _client.GetAsync(path)).JsonAsync();

    /// <summary>Waits for the completion worker to give the charge its account.</summary>
    private async Task<JsonNode> CompletedAsync(string id)
    {
        for (var i = 0; i < 100; i++)
        {
            var charge = await ReadAsync("ChargeItem/" + id);
            if (charge["account"] is not null) return charge;
            await Task.Delay(100);
        }
        throw new TimeoutException($"ChargeItem/{id} was not completed");
    }

    [Fact]
    public async Task An_encounter_s_charges_are_captured_once_on_the_patient_s_account_priced_from_the_payer_s_schedule_else_the_default()
    {
        var data = await PracticeWithPayerScheduleAsync();
        var encounter = await EncounterAsync(data);
        var captured = await CaptureAsync(encounter);
        Assert.Equal(2, captured["entry"]!.AsArray().Count);

        var visit = Charge(captured, "99213");
        Assert.Equal(125.50m, Price(visit));
        Assert.Equal($"http://practice.example/fees/{data.Id}|2026.1", (string?)visit["definitionCanonical"]![0]);
        Assert.Equal("J02.9", (string?)visit["reason"]![0]!["coding"]![0]!["code"]);
        Assert.Equal($"Encounter/{encounter}", (string?)visit["context"]!["reference"]);
        var flu = Charge(captured, "G0008");
        Assert.Equal(25m, Price(flu));
        Assert.Equal("http://practice.example/fees/default|2026", (string?)flu["definitionCanonical"]![0]);
        Assert.Equal($"Procedure/flu{encounter}", (string?)flu["service"]![0]!["reference"]);

        var account = (string?)visit["account"]![0]!["reference"];
        Assert.Equal(account, (string?)flu["account"]![0]!["reference"]);
        var accounts = await ReadAsync($"Account?identifier=urn:fhirpractice:billing:account|pat{data.Id}");
        var stored = Assert.Single(accounts["entry"]!.AsArray())!["resource"]!;
        Assert.Equal(account, "Account/" + (string?)stored["id"]);
        Assert.Equal("PBILLACCT", (string?)stored["type"]!["coding"]![0]!["code"]);
        Assert.Equal($"Patient/pat{data.Id}", (string?)stored["guarantor"]![0]!["party"]!["reference"]);

        // Again: the same charges, nothing new.
        var again = await CaptureAsync(encounter);
        Assert.Equal(captured["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["id"]).Order(), again["entry"]!.AsArray().Select(e => (string?)e!["resource"]!["id"]).Order());
        Assert.Equal(2, (await ReadAsync($"ChargeItem?context=Encounter/{encounter}&_total=accurate"))["total"]!.GetValue<int>());

        // The claim's lines carry the fee-schedule prices.
        var built = await _client.PostAsync($"Encounter/{encounter}/$build-claim", null);
        var claim = await built.JsonAsync();
        Assert.True(built.StatusCode == HttpStatusCode.Created, claim.ToJsonString());
        Assert.Equal([125.50m, 25m], claim["item"]!.AsArray().Select(i => i!["net"]!["value"]!.GetValue<decimal>()).Order().Reverse());
    }

    [Fact]
    public async Task A_claim_is_not_built_from_a_charge_whose_modifier_is_no_code()
    {
        var data = await PracticeWithPayerScheduleAsync();
        var encounter = await EncounterAsync(data);
        var visit = Charge(await CaptureAsync(encounter), "99213");
        var id = (string)visit["id"]!;
        // Written by a client: the modifier as a string, not the code the claim's line needs.
        visit.AsObject().Remove("meta");
        visit["extension"] = new JsonArray(new JsonObject { ["url"] = "urn:fhirpractice:billing:charge-modifier", ["valueString"] = "50" });
        var updated = await _client.PutAsync($"ChargeItem/{id}", FhirServerFactory.Json(visit.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Encounter/{encounter}/$build-claim", null),
            HttpStatusCode.UnprocessableEntity, $"ChargeItem/{id} has a modifier that is not a code", "ChargeItem.extension");
    }

    [Fact]
    public async Task A_charge_written_directly_is_completed_with_modifier_surcharges_and_its_quantity()
    {
        var data = await PracticeWithPayerScheduleAsync();
        async Task<string> PostAsync(string modifiers, decimal quantity, string date, string extra = "")
        {
            var response = await _client.PostAsync("ChargeItem", FhirServerFactory.Json($$$"""
                {"resourceType":"ChargeItem","status":"billable","extension":[{{{modifiers}}}],
                 "code":{"coding":[{"system":"{{{Cpt}}}","code":"99213"}]},"subject":{"reference":"Patient/pat{{{data.Id}}}"},
                 "occurrenceDateTime":"{{{date}}}","quantity":{"value":{{{quantity}}}}{{{extra}}}}
                """));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (string)(await response.JsonAsync())["id"]!;
        }
        const string bilateral = """{"url":"urn:fhirpractice:billing:charge-modifier","valueCode":"50"}""";
        const string separate = """{"url":"urn:fhirpractice:billing:charge-modifier","valueCode":"25"}""";

        // (125.50 base + 50% for modifier 50) × 2
        Assert.Equal(376.50m, Price(await CompletedAsync(await PostAsync(bilateral, 2, "2026-04-01"))));
        // 125.50 + 10 for modifier 25, + 62.75 for modifier 50
        Assert.Equal(198.25m, Price(await CompletedAsync(await PostAsync(separate + "," + bilateral, 1, "2026-04-01"))));
        // Before any schedule is in effect: on the account, not priced.
        var early = await CompletedAsync(await PostAsync(bilateral, 1, "2025-06-01"));
        Assert.Null(Price(early));
        Assert.Null(early["definitionCanonical"]);
        // A priceOverride is the price: kept, and no schedule is recorded.
        var overridden = await CompletedAsync(await PostAsync(bilateral, 1, "2026-04-01", ""","priceOverride":{"value":80,"currency":"USD"}"""));
        Assert.Null(Price(overridden));
        Assert.Null(overridden["definitionCanonical"]);
        Assert.Equal(80m, overridden["priceOverride"]!["value"]!.GetValue<decimal>());
        // All four on the one account of the patient.
        Assert.Single((await ReadAsync($"Account?identifier=urn:fhirpractice:billing:account|pat{data.Id}"))["entry"]!.AsArray());
    }

    [Fact]
    public async Task Capturing_refuses_what_it_cannot_charge()
    {
        var data = await PracticeWithPayerScheduleAsync();
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Encounter/{await EncounterAsync(data, "in-progress")}/$capture-charges", null),
            HttpStatusCode.UnprocessableEntity, "captured from a finished encounter; this one is inprogress", "Encounter.status");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Encounter/nope/$capture-charges", null), HttpStatusCode.NotFound, "Encounter/nope does not exist");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Encounter/{await EncounterAsync(data)}/$capture-charges"), HttpStatusCode.MethodNotAllowed, "use POST");

        var bare = "enc" + FhirHttp.Unique();
        await _client.PutNewAsync("Encounter", bare, $$$"""
            "status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/pat{{{data.Id}}}"}
            """);
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"Encounter/{bare}/$capture-charges", null), HttpStatusCode.UnprocessableEntity, "nothing to charge");
    }
}
