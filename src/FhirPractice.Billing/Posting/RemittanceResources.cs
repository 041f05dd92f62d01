using FhirPractice.Billing.Claims;
using FhirPractice.Billing.Patients;
using FhirPractice.Billing.Remittance;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Posting;

/// <summary>
/// Turns an 835's parts into FHIR: per paid claim an ExplanationOfBenefit (an item per service line matched by its line
/// control number, adjudications for what was billed, paid and adjusted — "GROUP-REASON" with the CARC, remarks and,
/// for a denial, its work queue), per patient a statement Invoice of their responsibility, per payment a
/// PaymentReconciliation (details per claim, PLB as provider adjustments, what matched nothing as unmatched).
/// </summary>
public static class RemittanceResources
{
    public static ExplanationOfBenefit ExplanationOfBenefit(RemittanceAdvice advice, ClaimPayment paid, MatchedClaim matched, IReadOnlyList<(ServicePayment Line, Claim.ItemComponent Item)> lines, DateTimeOffset now)
    {
        var claim = matched.Claim;
        var eob = new ExplanationOfBenefit
        {
            Status = Hl7.Fhir.Model.ExplanationOfBenefit.ExplanationOfBenefitStatus.Active,
            Type = claim.Type,
            Use = ClaimUseCode.Claim,
            Patient = claim.Patient,
            Created = now.ToString("o"),
            Insurer = new ResourceReference(matched.Payer) { Identifier = advice.PayerId is null ? null : new Identifier(BillingSystems.PayerId, advice.PayerId) },
            Provider = claim.Provider,
            Claim = new ResourceReference("Claim/" + claim.Id),
            Outcome = ClaimProcessingCodes.Complete,
            Disposition = paid.Denied ? "Denied" : paid.Paid == paid.Charge ? "Paid in full" : "Paid in part",
            Insurance = [new ExplanationOfBenefit.InsuranceComponent { Focal = true, Coverage = matched.Coverage }],
            Payment = new ExplanationOfBenefit.PaymentComponent
            {
                Date = advice.PaymentDate.ToString("yyyy-MM-dd"),
                Amount = Usd(paid.Paid),
                Identifier = new Identifier(PostingSystems.RemittanceTrace, advice.TraceKey),
            },
            Total =
            [
                new() { Category = Category("submitted"), Amount = Usd(paid.Charge) },
                new() { Category = Category("benefit"), Amount = Usd(paid.Paid) },
            ],
        };
        if (paid.PayerClaimNumber is { } payerClaim) eob.Identifier.Add(new Identifier(BillingSystems.PayerClaimNumber, payerClaim));
        var unpaidClaim = paid.Denied || paid.Paid == 0m;
        eob.Adjudication.AddRange(paid.Adjustments.Select(a => Adjustment(a, paid.Remarks, unpaidClaim)));
        // Without service lines the claim's payment is adjudicated at its level.
        if (paid.Lines.Count == 0 && paid.Paid != 0m) eob.Adjudication.Add(new() { Category = Category("benefit"), Amount = Usd(paid.Paid) });
        foreach (var (line, item) in lines)
        {
            var unpaid = unpaidClaim || line.Paid == 0m;
            var adjudicated = new ExplanationOfBenefit.ItemComponent
            {
                Sequence = item.Sequence,
                ProductOrService = item.ProductOrService,
                Modifier = item.Modifier,
                Serviced = item.Serviced,
                Quantity = new Quantity { Value = line.Units },
            };
            adjudicated.Adjudication.Add(new() { Category = Category("submitted"), Amount = Usd(line.Charge) });
            adjudicated.Adjudication.Add(new() { Category = Category("benefit"), Amount = Usd(line.Paid) });
            adjudicated.Adjudication.AddRange(line.Adjustments.Select(a => Adjustment(a, line.Remarks, unpaid)));
            eob.Item.Add(adjudicated);
        }
        return eob;
    }

    private static ExplanationOfBenefit.AdjudicationComponent Adjustment(CasAdjustment a, IReadOnlyList<string> remarks, bool unpaid)
    {
        var reason = new CodeableConcept(PostingSystems.Carc, a.Reason) { Text = string.Join(" ", remarks.Prepend(a.Code)) };
        reason.Coding.AddRange(remarks.Select(r => new Coding(BillingSystems.Remark, r)));
        if (DenialQueues.Of(a.Group, a.Reason, unpaid) is { } queue) reason.Coding.Add(new Coding(DenialQueues.System, queue));
        return new() { Category = new CodeableConcept(BillingSystems.Adjustment, a.Code), Reason = reason, Amount = Usd(a.Amount) };
    }

    /// <summary>
    /// A statement of what the patient owes after the payer: one line per adjustment in group PR, to the account's
    /// guarantor (a parent for a child, say), else the patient.
    /// </summary>
    public static Invoice Statement(string patient, Account account, IEnumerable<(Claim Claim, int? Sequence, Coding? Procedure, CasAdjustment Adjustment)> responsibilities, DateTimeOffset now)
    {
        var invoice = new Invoice
        {
            Status = Invoice.InvoiceStatus.Issued,
            Type = new CodeableConcept("urn:fhirpractice:billing:invoice-type", "patient-statement"),
            Subject = new ResourceReference(patient),
            Recipient = PatientAccounts.StatementRecipient(account, patient),
            Date = now.ToString("o"),
            Account = new ResourceReference("Account/" + account.Id),
        };
        var sequence = 0;
        foreach (var (claim, line, procedure, adjustment) in responsibilities)
            invoice.LineItem.Add(new Invoice.LineItemComponent
            {
                Sequence = ++sequence,
                ChargeItem = new CodeableConcept { Coding = procedure is null ? [] : [procedure], Text = $"Claim {claim.ClaimNumber()}{(line is null ? "" : $" line {line}")}: {adjustment.Code}" },
                PriceComponent = [new Invoice.PriceComponentComponent { Type = InvoicePriceComponentType.Base, Code = new CodeableConcept(BillingSystems.Adjustment, adjustment.Code), Amount = Usd(adjustment.Amount) }],
            });
        var total = invoice.LineItem.Sum(l => l.PriceComponent[0].Amount.Value ?? 0m);
        invoice.TotalNet = Usd(total);
        invoice.TotalGross = Usd(total);
        return invoice;
    }

    public static PaymentReconciliation Reconciliation(RemittanceAdvice advice, string? payer, DateTimeOffset now) => new()
    {
        Identifier = [new Identifier(PostingSystems.RemittanceTrace, advice.TraceKey)],
        Status = FinancialResourceStatusCodes.Active,
        Created = now.ToString("o"),
        PaymentIssuer = payer is null ? null : new ResourceReference(payer),
        Outcome = ClaimProcessingCodes.Complete,
        Disposition = $"835 from {advice.PayerName} to {advice.PayeeName}, {advice.PaymentMethod}",
        PaymentDate = advice.PaymentDate.ToString("yyyy-MM-dd"),
        PaymentAmount = Usd(advice.PaymentAmount),
        PaymentIdentifier = new Identifier("urn:fhirpractice:billing:trn", advice.TraceNumber),
    };

    /// <summary>The PLB adjustments as details; a PLB amount is what the payer takes back, so it lessens the payment.</summary>
    public static IEnumerable<PaymentReconciliation.DetailsComponent> ProviderAdjustments(RemittanceAdvice advice) =>
        advice.ProviderAdjustments.Select(a => new PaymentReconciliation.DetailsComponent
        {
            Identifier = a.Reference is null ? null : new Identifier("urn:fhirpractice:billing:plb-reference", a.Reference),
            Type = new CodeableConcept(PostingSystems.DetailType, PostingSystems.ProviderAdjustment) { Coding = { new Coding(PostingSystems.ProviderAdjustmentReason, a.Reason) }, Text = "PLB " + a.Reason },
            Date = a.FiscalPeriod.ToString("yyyy-MM-dd"),
            Amount = Usd(-a.Amount),
        });

    public static PaymentReconciliation.DetailsComponent Detail(string type, Identifier identifier, string? claim, decimal amount, DateOnly date, string text) => new()
    {
        Identifier = identifier,
        Type = new CodeableConcept(PostingSystems.DetailType, type) { Text = text },
        Request = claim is null ? null : new ResourceReference(claim),
        Date = date.ToString("yyyy-MM-dd"),
        Amount = Usd(amount),
    };

    private static CodeableConcept Category(string code) => new(BillingSystems.AdjudicationCategory, code);

    private static Money Usd(decimal value) => new() { Value = value, Currency = Money.Currencies.USD };
}

/// <summary>A claim an 835 paid, with the coverage it was billed to and that coverage's payer.</summary>
public sealed record MatchedClaim(Claim Claim, ResourceReference Coverage, string Payer);
