using System.Net;
using System.Text;
using FhirPractice.Billing.Ledger;
using FhirPractice.Billing.Posting;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using FhirPractice.Storage.Sqlite.Tests;

namespace FhirPractice.Billing.Tests.Ledger;

/// <summary>
/// The ledger's refusals — a card number in a PaymentNotice, a second reconciliation of an 835 payment already posted —
/// come before the version is written, with nothing of it in the transaction, so the store fails that write alone.
/// </summary>
public sealed class LedgerWriteHookTests : TempStoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 4, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly LedgerWriteHook _hook = new(new LedgerProjection(new BillingOptions()));

    private static ResourceWrite Version(string type, string id, string json, long version = 1) =>
        new(type, id, version, Now, version == 1 ? "POST" : "PUT", Encoding.UTF8.GetBytes(json), []);

    private static ResourceWrite Reconciliation(string id, string trace, long version = 1) => Version("PaymentReconciliation", id, $$"""
        {"resourceType":"PaymentReconciliation","id":"{{id}}","status":"active","created":"2025-04-20","paymentDate":"2025-04-20",
         "paymentAmount":{"value":0,"currency":"USD"},"identifier":[{"system":"{{PostingSystems.RemittanceTrace}}","value":"{{trace}}"}]}
        """, version);

    /// <summary>Shows the version to the hook as the engine does: before, the write, after.</summary>
    private Task<int> Write(ResourceWrite write) => Store.WriteAsync(tx =>
    {
        _hook.Writing(tx, write);
        tx.Write(write);
        _hook.Written(tx, write);
        return 0;
    });

    /// <summary>What the hook says of the version before it is written, and whether the transaction is still untouched.</summary>
    private Task<(FhirError? Refusal, bool Untouched)> RefusalOf(ResourceWrite write) => Store.WriteAsync(tx =>
    {
        var refusal = Record.Exception(() => _hook.Writing(tx, write)) as FhirError;
        return (refusal, tx.ReadCurrent(write.Type, write.Id) is null);
    });

    [Fact]
    public async Task A_second_reconciliation_of_a_posted_payment_is_refused_before_it_is_written_and_the_first_may_change()
    {
        await Write(Reconciliation("first", "1|TRN-9"));

        var (refusal, untouched) = await RefusalOf(Reconciliation("second", "1|TRN-9"));

        Assert.Equal(HttpStatusCode.Conflict, refusal?.Status);
        Assert.Contains("already posted as PaymentReconciliation/first", refusal!.Message);
        Assert.True(untouched);
        await Assert.ThrowsAsync<FhirError>(() => Write(Reconciliation("second", "1|TRN-9")));
        Assert.Null(await Store.ReadAsync("PaymentReconciliation", "second"));
        Assert.Equal("PaymentReconciliation/first", Assert.Single(await Store.ScanStateAsync(new StateRange(LedgerKeys.Trace, "", "~"))).Value);
        await Write(Reconciliation("first", "1|TRN-9", version: 2));
        await Write(Reconciliation("other", "1|TRN-10"));
    }

    [Fact]
    public async Task A_card_number_in_a_PaymentNotice_is_refused_before_it_is_written()
    {
        var notice = Version("PaymentNotice", "card", """
            {"resourceType":"PaymentNotice","id":"card","status":"active","created":"2025-04-20",
             "payment":{"identifier":{"system":"urn:fhirpractice:billing:processor-token","value":"4111 1111 1111 1111"}},
             "recipient":{"reference":"Organization/p"},"amount":{"value":15.00,"currency":"USD"}}
            """);

        var (refusal, untouched) = await RefusalOf(notice);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusal?.Status);
        Assert.Contains("never a card number", refusal!.Message);
        Assert.True(untouched);
    }
}
