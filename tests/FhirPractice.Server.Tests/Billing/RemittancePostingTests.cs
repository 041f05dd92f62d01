using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Billing.Exchange;
using FhirPractice.Billing.Ledger;
using FhirPractice.Fhir.Storage;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FhirPractice.Server.Tests.Billing.RemittanceFile;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>
/// 835s post to claims submitted as 837Ps: paid in full, paid in part (CO-45, PR-1) and denied (CO-16); the ledger's
/// balances and aging come out to the cent, denials land in their queue, the patient's share becomes a statement they
/// pay by token; what matches no line is queued; a file posted twice or unreadable changes nothing.
/// </summary>
public class RemittancePostingTests(BillingServerFactory server) : IClassFixture<BillingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    /// <summary>A practice with three submitted claims of 2025-03-10: A 99213 $100; B 99214 $150 + 36415 $12.50; C 99203 $100.</summary>
    private async Task<(BillingData Data, string A, string B, string C, string[] Ids)> SubmittedAsync()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var numbers = new[] { "A" + data.Id[..8], "B" + data.Id[..8], "C" + data.Id[..8] };
        var ids = new[]
        {
            await data.ClaimAsync(numbers[0], "2025-03-10", ["J02.9"], ("99213", 100m, [1])),
            await data.ClaimAsync(numbers[1], "2025-03-10", ["J02.9"], ("99214", 150m, [1]), ("36415", 12.50m, [1])),
            await data.ClaimAsync(numbers[2], "2025-03-10", ["J02.9"], ("99203", 100m, [1])),
        };
        foreach (var id in ids)
        {
            var submitted = await (await _client.PostAsync($"Claim/{id}/$submit", null)).JsonAsync();
            Assert.True((string?)submitted["outcome"] == "queued", submitted.ToJsonString());
        }
        return (data, numbers[0], numbers[1], numbers[2], ids);
    }

    private static Paid[] PaidInFullPartlyAndDenied(string a, string b, string c) =>
    [
        new(a, "1", new Line(a + "-1", "99213", 100m, 100m)),
        new(b, "1", new Line(b + "-1", "99214", 150m, 80m, ("CO", "45", 50m), ("PR", "1", 20m)), new Line(b + "-2", "36415", 12.50m, 10m, ("CO", "45", 2.50m))),
        new(c, "4", new Line(c + "-1", "99203", 100m, 0m, ("CO", "16", 100m)) { Remarks = ["M51"] }),
    ];

    private Task<HttpResponseMessage> ImportAsync(string x12) =>
        _client.PostAsync("$import-remittance", FhirServerFactory.Json(new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(new JsonObject { ["name"] = "x12", ["valueString"] = x12 }),
        }.ToJsonString()));

    private static JsonNode? Part(JsonNode parameters, string name) => parameters["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == name);

    private static decimal Decimal(JsonNode parameters, string name) => (decimal)Part(parameters, name)!["valueDecimal"]!;

    private async Task<string> AccountAsync(BillingData data)
    {
        var accounts = await (await _client.GetAsync($"Account?subject=Patient/pat{data.Id}")).JsonAsync();
        return "Account/" + (string)Assert.Single(accounts["entry"]!.AsArray())!["resource"]!["id"]!;
    }

    private async Task<(decimal Payer, decimal Patient, decimal Total)> BalanceAsync(string account, string asOf)
    {
        var balance = await (await _client.GetAsync($"{account}/$balance?asOf={asOf}")).JsonAsync();
        return (Decimal(balance, "payer"), Decimal(balance, "patient"), Decimal(balance, "total"));
    }

    /// <summary>The aging row of one party: the five buckets and the total.</summary>
    private async Task<decimal[]?> AgingAsync(string asOf, string side, string party)
    {
        var aging = await (await _client.GetAsync($"Account/$aging?asOf={asOf}")).JsonAsync();
        var row = aging["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == side && (string?)p["part"]![0]!["valueReference"]!["reference"] == party);
        return row?["part"]!.AsArray().Skip(1).Select(p => (decimal)p!["valueDecimal"]!).ToArray();
    }

    private async Task<List<JsonNode>> WorkItemsAsync(string queue, string claimOrSource) =>
        (await (await _client.GetAsync($"$billing-work-queue?queue={queue}")).JsonAsync())["parameter"]?.AsArray()
            .Where(i => i!["part"]!.AsArray().Any(p => (string?)p!["valueReference"]?["reference"] == claimOrSource)).Select(i => i!).ToList() ?? [];

    [Fact]
    public async Task An_835_paying_in_full_in_part_and_denying_posts_automatically_to_the_cent()
    {
        var (data, a, b, c, ids) = await SubmittedAsync();
        var response = await ImportAsync(Remittance("TRN" + data.Id, PaidInFullPartlyAndDenied(a, b, c), ("L6", -1.25m)));
        var result = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToJsonString());
        Assert.Equal(3, (int)Part(result, "claimsPosted")!["valueInteger"]!);
        Assert.Equal(0, (int)Part(result, "unmatched")!["valueInteger"]!);
        var account = await AccountAsync(data);
        // Before the remittance the charges are the payer's: 100 + 162.50 + 100.
        Assert.Equal((362.50m, 0.00m, 362.50m), await BalanceAsync(account, "2025-04-14"));
        // Paid 100 + 90, contractual 52.50, patient 20; the denied claim stays the payer's, open for appeal.
        Assert.Equal((100.00m, 20.00m, 120.00m), await BalanceAsync(account, "2025-04-15"));

        var payer = $"Organization/payer{data.Id}";
        var patient = $"Patient/pat{data.Id}";
        Assert.Equal([362.50m, 0m, 0m, 0m, 0m, 362.50m], await AgingAsync("2025-04-09", "payer", payer));
        Assert.Equal([0m, 100.00m, 0m, 0m, 0m, 100.00m], await AgingAsync("2025-04-15", "payer", payer));
        Assert.Equal([20.00m, 0m, 0m, 0m, 0m, 20.00m], await AgingAsync("2025-04-15", "patient", patient));
        Assert.Equal([0m, 0m, 0m, 0m, 100.00m, 100.00m], await AgingAsync("2025-07-20", "payer", payer));
        Assert.Equal([0m, 0m, 0m, 20.00m, 0m, 20.00m], await AgingAsync("2025-07-20", "patient", patient));

        // The partly paid claim's EOB: an item per line with what was billed, paid and adjusted.
        var eob = (await (await _client.GetAsync($"ExplanationOfBenefit?claim=Claim/{ids[1]}")).JsonAsync())["entry"]!.AsArray().Single()!["resource"]!;
        var first = eob["item"]![0]!["adjudication"]!.AsArray().ToDictionary(x => (string)x!["category"]!["coding"]![0]!["code"]!, x => (decimal)x!["amount"]!["value"]!);
        Assert.Equal(new Dictionary<string, decimal> { ["submitted"] = 150.00m, ["benefit"] = 80.00m, ["CO-45"] = 50.00m, ["PR-1"] = 20.00m }, first);
        Assert.Equal("PAYER" + b, (string?)eob["identifier"]![0]!["value"]);
        Assert.Equal("2025-04-15", (string?)eob["payment"]!["date"]);

        // The denial: queue coding, due 90 days after the payment (the payer's AppealDays), its remark kept.
        var denial = Assert.Single(await WorkItemsAsync("coding", $"Claim/{ids[2]}"));
        var parts = denial["part"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.Equal("CO-16", (string?)parts["codes"]["valueString"]);
        Assert.Equal(100.00m, (decimal)parts["amount"]["valueDecimal"]!);
        Assert.Equal("2025-07-14", (string?)parts["appealBy"]["valueDate"]);
        Assert.Contains("M51", (string?)parts["detail"]["valueString"]);

        // The payment: BPR02 191.25 = 190 paid + 1.25 interest (PLB L6), details per claim and the PLB.
        var reconciliation = await (await _client.GetAsync((string)Part(result, "reconciliation")!["valueReference"]!["reference"]!)).JsonAsync();
        Assert.Equal(191.25m, (decimal)reconciliation["paymentAmount"]!["value"]!);
        Assert.Equal([100.00m, 90.00m, 0.00m, 1.25m], reconciliation["detail"]!.AsArray().Select(d => (decimal)d!["amount"]!["value"]!));
        Assert.Equal("provider-adjustment", (string?)reconciliation["detail"]![3]!["type"]!["coding"]![0]!["code"]);

        // The patient's statement, paid by processor token: 15 of the 20.
        var invoice = (await (await _client.GetAsync($"Invoice?subject={patient}")).JsonAsync())["entry"]!.AsArray().Single()!["resource"]!;
        Assert.Equal(20.00m, (decimal)invoice["totalNet"]!["value"]!);
        Assert.Equal(account, (string?)invoice["account"]!["reference"]);
        Assert.Equal(patient, (string?)invoice["recipient"]!["reference"]);
        var paid = await _client.PostAsync("PaymentNotice", FhirServerFactory.Json($$"""
            {"resourceType":"PaymentNotice","status":"active","request":{"reference":"Invoice/{{invoice["id"]}}"},"created":"2025-04-20",
             "payment":{"identifier":{"system":"urn:fhirpractice:billing:processor-token","value":"tok_1Nx8Yp2eZvKYlo2C"} },"paymentDate":"2025-04-20",
             "recipient":{"reference":"Organization/prov{{data.Id}}"},"amount":{"value":15.00,"currency":"USD"} }
            """));
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        Assert.Equal((100.00m, 5.00m, 105.00m), await BalanceAsync(account, "2025-04-20"));
        Assert.Equal([0m, 0m, 0m, 5.00m, 0m, 5.00m], await AgingAsync("2025-07-20", "patient", patient));

        // The same 835 again changes nothing.
        var before = await SnapshotAsync(data);
        var again = await (await ImportAsync(Remittance("TRN" + data.Id, PaidInFullPartlyAndDenied(a, b, c), ("L6", -1.25m)))).JsonAsync();
        Assert.True((bool)Part(again, "alreadyPosted")!["valueBoolean"]!, again.ToJsonString());
        Assert.Equal(before, await SnapshotAsync(data));
    }

    [Fact]
    public async Task A_statement_goes_to_the_guarantor_another_account_of_the_patient_names()
    {
        // The husband (a RelatedPerson) guarantees the hospital account an ADT's GT1 named; the practice account the
        // posting opens takes him as guarantor, and the statement goes to him.
        var data = await new BillingData(_client).PracticeAsync(spouseSubscribes: true);
        await _client.PutNewAsync("Account", "hosp" + data.Id, $$$"""
            "status":"active","subject":[{"reference":"Patient/pat{{{data.Id}}}"}],
            "guarantor":[{"party":{"reference":"RelatedPerson/rp{{{data.Id}}}"}}]
            """);
        var number = "G" + data.Id[..8];
        var claim = await data.ClaimAsync(number, "2025-03-10", ["J02.9"], ("99213", 100m, [1]));
        Assert.Equal("queued", (string?)(await (await _client.PostAsync($"Claim/{claim}/$submit", null)).JsonAsync())["outcome"]);
        var posted = await ImportAsync(Remittance("TRNG" + data.Id, [new(number, "1", new Line(number + "-1", "99213", 100m, 80m, ("PR", "1", 20m)))]));
        Assert.True(posted.StatusCode == HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());

        var invoice = (await (await _client.GetAsync($"Invoice?subject=Patient/pat{data.Id}")).JsonAsync())["entry"]!.AsArray().Single()!["resource"]!;
        Assert.Equal((20.00m, $"RelatedPerson/rp{data.Id}"), ((decimal)invoice["totalNet"]!["value"]!, (string?)invoice["recipient"]!["reference"]));
        var account = await (await _client.GetAsync((string)invoice["account"]!["reference"]!)).JsonAsync();
        Assert.Equal(("PBILLACCT", $"RelatedPerson/rp{data.Id}"), ((string?)account["type"]!["coding"]![0]!["code"], (string?)account["guarantor"]![0]!["party"]!["reference"]));
    }

    [Fact]
    public async Task A_card_number_in_a_PaymentNotice_is_refused_and_nothing_is_stored()
    {
        var data = await new BillingData(_client).PracticeAsync();
        var before = await SnapshotAsync(data);
        var response = await _client.PostAsync("PaymentNotice", FhirServerFactory.Json($$"""
            {"resourceType":"PaymentNotice","status":"active","created":"2025-04-20",
             "payment":{"identifier":{"system":"urn:fhirpractice:billing:processor-token","value":"4111 1111 1111 1111"} },
             "recipient":{"reference":"Organization/prov{{data.Id}}"},"amount":{"value":15.00,"currency":"USD"} }
            """));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity, "never a card number");
        Assert.Equal(before, await SnapshotAsync(data));
    }

    [Fact]
    public async Task A_payment_toward_an_invoice_without_a_subject_is_refused_naming_the_request()
    {
        var invoice = await _client.PostAsync("Invoice", FhirServerFactory.Json("""{"resourceType":"Invoice","status":"issued"}"""));
        Assert.Equal(HttpStatusCode.Created, invoice.StatusCode);
        var id = (string)(await invoice.JsonAsync())["id"]!;
        var response = await _client.PostAsync("PaymentNotice", FhirServerFactory.Json($$"""
            {"resourceType":"PaymentNotice","status":"active","request":{"reference":"Invoice/{{id}}"},"created":"2025-04-20",
             "payment":{"display":"cash"},"recipient":{"display":"front desk"},"amount":{"value":15.00,"currency":"USD"} }
            """));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.UnprocessableEntity, "no subject", "PaymentNotice.request");
    }

    [Fact]
    public async Task Payments_matching_no_claim_line_go_to_the_unmatched_queue_never_by_procedure_code()
    {
        var (data, a, _, _, ids) = await SubmittedAsync();
        // Line 9 of claim A does not exist; the second line has the right code but no REF*6R; claim Z is unknown.
        var response = await ImportAsync(Remittance("TRN" + data.Id, [
            new(a, "1", new Line(a + "-1", "99213", 100m, 60m, ("CO", "45", 40m)), new Line(a + "-9", "99213", 10m, 10m), new Line("", "99213", 5m, 5m)),
            new("Z" + data.Id[..8], "1", new Line("Z" + data.Id[..8] + "-1", "99213", 20m, 20m)),
        ]));
        var result = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, result.ToJsonString());
        Assert.Equal(3, (int)Part(result, "unmatched")!["valueInteger"]!);
        var reconciliation = (string)Part(result, "reconciliation")!["valueReference"]!["reference"]!;
        var queued = await WorkItemsAsync("unmatched", reconciliation);
        Assert.Equal([a + "-9", "(none)", "Z" + data.Id[..8]], queued.Select(i => (string)i["part"]!.AsArray().Single(p => (string?)p!["name"] == "codes")!["valueString"]!));
        // Only the matched line posted: claim A's 100 less 60 paid and 40 contractual.
        Assert.Equal((262.50m, 0m, 262.50m), await BalanceAsync(await PatientAccountAsync(data), "2025-04-15"));
        var eob = (await (await _client.GetAsync($"ExplanationOfBenefit?claim=Claim/{ids[0]}")).JsonAsync())["entry"]!.AsArray().Single()!["resource"]!;
        Assert.Single(eob["item"]!.AsArray());
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "inconsistent delimiters", "ISA*00*|", "ISA (segment 1): inconsistent delimiters" },
        { "other delimiters than the ISA's", "GS*HP*", "(segment 2): 'GS|HP|TESTPAYER' is not a segment id" },
        { "missing IEA", "IEA*", "without its IEA" },
        { "SE count", "SE*", "SE01 says" },
        { "unknown loop", "DTM*405*20250414~", "HL (segment 6): HL*1 starts no loop" },
        { "truncated", "TRUNCATE", "truncated" },
        { "does not balance", "BPR*I*", "BPR (segment 4): BPR02" },
        { "line does not balance", "SVC*HC:99214*150.00*80.00", "SVC (segment" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Bad_X12_names_the_segment_and_position_and_posts_nothing(string fault, string where, string message)
    {
        var (data, a, b, c, _) = await SubmittedAsync();
        var good = Remittance("TRN" + data.Id, PaidInFullPartlyAndDenied(a, b, c));
        var bad = fault switch
        {
            "inconsistent delimiters" => good[..6] + "|" + good[7..],
            "other delimiters than the ISA's" => good.Replace("GS*HP*", "GS|HP|"),
            "missing IEA" => good[..good.IndexOf(where, StringComparison.Ordinal)],
            "SE count" => System.Text.RegularExpressions.Regex.Replace(good, @"SE\*(\d+)\*", m => $"SE*{int.Parse(m.Groups[1].Value) + 1}*"),
            "unknown loop" => good.Replace(where, "HL*1**20*1~"),
            "truncated" => good[..(good.IndexOf("CLP*" + b, StringComparison.Ordinal) + 12)],
            "does not balance" => good.Replace("BPR*I*190.00*", "BPR*I*190.01*"),
            _ => good.Replace(where, "SVC*HC:99214*150.00*81.00"),
        };
        Assert.NotEqual(good, bad);
        var before = await SnapshotAsync(data);
        await FhirHttp.AssertOutcomeAsync(await ImportAsync(bad), HttpStatusCode.BadRequest, message);
        Assert.Equal(before, await SnapshotAsync(data));
    }

    [Fact]
    public async Task A_999_rejection_and_a_277CA_rejection_are_recorded_on_the_claim_responses()
    {
        var (data, a, b, _, ids) = await SubmittedAsync();
        var responses = await (await _client.GetAsync($"ClaimResponse?request=Claim/{ids[0]}")).JsonAsync();
        var interchange = (string)responses["entry"]![0]!["resource"]!["identifier"]![0]!["value"]!;

        var rejected = await (await ImportAsync(Acknowledgment(interchange, accepted: false))).JsonAsync();
        Assert.Equal(1, (int)Part(rejected, "claimResponsesUpdated")!["valueInteger"]!);
        var response = (await (await _client.GetAsync($"ClaimResponse?request=Claim/{ids[0]}")).JsonAsync())["entry"]![0]!["resource"]!;
        Assert.Equal("error", (string?)response["outcome"]);
        Assert.Equal(["IK3", "IK4", "IK5"], response["error"]!.AsArray().Select(e => (string)e!["code"]!["coding"]![0]!["code"]!));
        Assert.Contains("NM109", (string?)response["error"]![1]!["code"]!["text"]);

        await ImportAsync(ClaimStatus(b, "A7:562:85"));
        var claimB = (await (await _client.GetAsync($"ClaimResponse?request=Claim/{ids[1]}")).JsonAsync())["entry"]![0]!["resource"]!;
        Assert.Equal("error", (string?)claimB["outcome"]);
        Assert.Equal(["A7", "562"], claimB["error"]![0]!["code"]!["coding"]!.AsArray().Select(c => (string)c!["code"]!));

        await ImportAsync(ClaimStatus(a, "A2:20:PR"));
        var claimA = (await (await _client.GetAsync($"ClaimResponse?request=Claim/{ids[0]}")).JsonAsync())["entry"]![0]!["resource"]!;
        Assert.Equal("queued", (string?)claimA["outcome"]);
        Assert.Contains(claimA["identifier"]!.AsArray(), i => (string?)i!["value"] == "PAYER" + a);
    }

    [Fact]
    public async Task Files_in_the_inbound_drop_folder_are_posted_and_moved()
    {
        var (data, a, b, c, _) = await SubmittedAsync();
        Directory.CreateDirectory(server.Inbound);
        await File.WriteAllTextAsync(Path.Combine(server.Inbound, $"835-{data.Id}.x12"), Remittance("TRN" + data.Id, PaidInFullPartlyAndDenied(a, b, c)));
        await File.WriteAllTextAsync(Path.Combine(server.Inbound, $"bad-{data.Id}.x12"), "ISA*00*");
        await server.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<InboundDropFolder>().Single().PollAsync(CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(server.DropFolder, "processed", $"835-{data.Id}.x12")));
        Assert.True(File.Exists(Path.Combine(server.DropFolder, "failed", $"bad-{data.Id}.x12.outcome.json")));
        Assert.Equal((100.00m, 20.00m, 120.00m), await BalanceAsync(await AccountAsync(data), "2025-04-15"));
    }

    [Theory]
    [InlineData("Account/$aging?asOf=15-04-2025", "must be a date")]
    [InlineData("Account/$aging?since=2025-01-01", "no parameter 'since'")]
    [InlineData("$billing-work-queue?queue=billing", "is none of")]
    public async Task Bad_report_parameters_are_400s(string url, string message) =>
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync(url), HttpStatusCode.BadRequest, message);

    [Fact]
    public async Task An_import_without_x12_is_a_400()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("$import-remittance", FhirServerFactory.Json("""{"resourceType":"Parameters","parameter":[{"name":"file","valueString":"x"}]}""")),
            HttpStatusCode.BadRequest, "no parameter 'file'");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("$import-remittance", FhirServerFactory.Json("""{"resourceType":"Parameters","parameter":[{"name":"x12","valueString":"GS*HP~"}]}""")),
            HttpStatusCode.BadRequest, "must start with ISA");
    }

    private async Task<string> PatientAccountAsync(BillingData data)
    {
        var accounts = await (await _client.GetAsync($"Account?subject=Patient/pat{data.Id}")).JsonAsync();
        if (accounts["entry"] is JsonArray { Count: > 0 } entries) return "Account/" + (string)entries[0]!["resource"]!["id"]!;
        await _client.PutNewAsync("Account", "acct" + data.Id, $$"""
            "status":"active","subject":[{"reference":"Patient/pat{{data.Id}}"}]
            """);
        return "Account/acct" + data.Id;
    }

    /// <summary>Everything posting could change: the ledger, the work queues and the billing resources of this practice's patient.</summary>
    private async Task<string> SnapshotAsync(BillingData data)
    {
        var store = server.Services.GetRequiredService<IResourceStore>();
        var state = new List<string>();
        foreach (var kind in new[] { LedgerKeys.Entry, LedgerKeys.WorkItem, LedgerKeys.Trace })
            state.AddRange((await store.ScanStateAsync(new StateRange(kind, "", "\uffff", 100_000))).Select(e => $"{kind} {e.Key} {e.Value}"));
        foreach (var type in new[] { "ExplanationOfBenefit", "PaymentReconciliation", "Invoice", "PaymentNotice", "Account", "ClaimResponse" })
        {
            var count = await (await _client.GetAsync($"{type}?_summary=count")).JsonAsync();
            state.Add($"{type} {(int)count["total"]!}");
        }
        return string.Join("\n", state);
    }
}
