using FhirPractice.Billing.Claims;
using FhirPractice.Billing.Posting;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Ledger;

/// <summary>
/// What one resource posts, read only from the resource (and what it refers to in the same store transaction): a
/// submitted Claim charges its lines to the payer; an ExplanationOfBenefit posts the payer's payment, contractual
/// adjustments, write-offs and the patient's responsibility per line, and its denials to their queues; a
/// PaymentReconciliation puts what matched no claim in the unmatched queue; a PaymentNotice for a statement is the
/// patient's payment.
/// </summary>
public sealed class LedgerProjection(BillingOptions options)
{
    public (List<LedgerEntry> Entries, List<WorkItem> WorkItems) Of(IStoreTransaction tx, Resource resource) => resource switch
    {
        Claim claim => (Charges(tx, claim), []),
        ExplanationOfBenefit eob => Adjudication(eob),
        PaymentReconciliation reconciliation => ([], Unmatched(reconciliation)),
        PaymentNotice notice => (PatientPayment(tx, notice), []),
        _ => ([], []),
    };

    /// <summary>
    /// An original claim of ours (it has a claim number, CLM01) once submitted (active): each line's charge, billed to the
    /// focal coverage's payer on its date of service. Claims recorded from elsewhere (an EHR's history) are not our A/R.
    /// </summary>
    private static List<LedgerEntry> Charges(IStoreTransaction tx, Claim claim)
    {
        // A replacement or void carries the original's lines again; the original's charges stay the ledger's.
        if (claim.Status != FinancialResourceStatusCodes.Active || claim.Use != ClaimUseCode.Claim || claim.ClaimNumber() is null || claim.Prior() is not null) return [];
        var focal = claim.Insurance.FirstOrDefault(i => i.Focal == true) ?? claim.Insurance.FirstOrDefault();
        var payer = Read<Coverage>(tx, focal?.Coverage?.Reference)?.Payor.FirstOrDefault()?.Reference;
        var source = "Claim/" + claim.Id;
        return claim.Item.Select(item => new LedgerEntry(
            item.ServiceDate()?.ToString("yyyy-MM-dd") ?? claim.Created[..10], LedgerEntry.Charge, claim.Patient.Reference, payer, source,
            item.Sequence, item.Charge(), source)).ToList();
    }

    private (List<LedgerEntry>, List<WorkItem>) Adjudication(ExplanationOfBenefit eob)
    {
        var entries = new List<LedgerEntry>();
        var items = new List<WorkItem>();
        var source = "ExplanationOfBenefit/" + eob.Id;
        var date = eob.Payment?.Date ?? eob.Created[..10];
        var payer = eob.Insurer?.Reference;
        var appealBy = DateOnly.ParseExact(date, "yyyy-MM-dd").AddDays(options.AppealDaysFor(eob.Insurer?.Identifier?.Value)).ToString("yyyy-MM-dd");
        var claim = eob.Claim?.Reference;
        void Post(int? line, IEnumerable<ExplanationOfBenefit.AdjudicationComponent> adjudications)
        {
            foreach (var a in adjudications)
            {
                var amount = a.Amount?.Value ?? 0m;
                if (amount == 0m) continue;
                if (Code(a.Category, BillingSystems.AdjudicationCategory) == "benefit")
                {
                    entries.Add(new LedgerEntry(date, LedgerEntry.PayerPayment, eob.Patient.Reference, payer, claim, line, amount, source));
                    continue;
                }
                if (Code(a.Category, BillingSystems.Adjustment) is not { } code) continue;
                if (Code(a.Reason, DenialQueues.System) is { } queue)
                {
                    items.Add(new WorkItem(queue, source, claim, line, code, amount, payer, appealBy, a.Reason?.Text ?? code));
                    continue;
                }
                var kind = code.Split('-')[0] switch
                {
                    "PR" => LedgerEntry.PatientResponsibility,
                    "CO" => LedgerEntry.ContractualAdjustment,
                    _ => LedgerEntry.WriteOff,
                };
                entries.Add(new LedgerEntry(date, kind, eob.Patient.Reference, payer, claim, line, amount, source));
            }
        }
        Post(null, eob.Adjudication);
        foreach (var item in eob.Item) Post(item.Sequence, item.Adjudication);
        return (entries, items);
    }

    private static List<WorkItem> Unmatched(PaymentReconciliation reconciliation) =>
        reconciliation.Detail
            .Where(d => Code(d.Type, PostingSystems.DetailType) is PostingSystems.UnmatchedClaim or PostingSystems.UnmatchedLine)
            .Select(d => new WorkItem(WorkItem.Unmatched, "PaymentReconciliation/" + reconciliation.Id, d.Request?.Reference, null,
                d.Identifier?.Value ?? "", d.Amount?.Value ?? 0m, reconciliation.PaymentIssuer?.Reference, null,
                d.Type.Text ?? "matched no claim line"))
            .ToList();

    /// <summary>A payment toward a statement (request = the Invoice): comes off the statement's patient's balance.</summary>
    private static List<LedgerEntry> PatientPayment(IStoreTransaction tx, PaymentNotice notice)
    {
        if (notice.Status != FinancialResourceStatusCodes.Active || notice.Request?.Reference is not { } request || !request.StartsWith("Invoice/")) return [];
        var invoice = Read<Invoice>(tx, request) ?? throw Fhir.FhirError.Unprocessable($"{request} does not exist", "PaymentNotice.request");
        // The payment comes off the balance of the statement's patient: a statement for no one has no balance to take it.
        var patient = invoice.Subject?.Reference ?? throw Fhir.FhirError.Unprocessable($"{request} has no subject whose balance the payment could reduce", "PaymentNotice.request");
        var date = notice.PaymentDate ?? notice.Created[..10];
        return [new LedgerEntry(date[..10], LedgerEntry.PatientPayment, patient, null, null, null, notice.Amount.Value ?? 0m, "PaymentNotice/" + notice.Id)];
    }

    private static string? Code(CodeableConcept? concept, string system) => concept?.Coding.FirstOrDefault(c => c.System == system)?.Code;

    private static T? Read<T>(IStoreTransaction tx, string? reference) where T : Resource
    {
        if (reference?.Split('/') is not [var type, var id]) return null;
        var record = tx.ReadCurrent(type, id);
        return record is null || record.Deleted ? null : ResourceSerializer.ParseTrustedJson(record.Json.Span) as T;
    }
}
