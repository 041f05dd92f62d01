namespace FhirPractice.Billing.Posting;

/// <summary>The code and identifier systems remittance posting writes (beside <see cref="BillingSystems"/>).</summary>
public static class PostingSystems
{
    /// <summary>A PaymentReconciliation's identifier: "{payer id}|{trace number}" of the 835 payment (TRN03, TRN02).</summary>
    public const string RemittanceTrace = "urn:fhirpractice:billing:remittance-trace";
    /// <summary>What a PaymentReconciliation detail is: claim-payment, provider-adjustment, unmatched-claim, unmatched-line.</summary>
    public const string DetailType = "urn:fhirpractice:billing:reconciliation-detail";
    /// <summary>A service line's REF*6R, as the 837P wrote it (<see cref="Claims.ClaimFacts.LineControlNumber"/>).</summary>
    public const string LineControlNumber = "urn:fhirpractice:billing:line-control-number";
    /// <summary>Claim adjustment reason codes (CARC).</summary>
    public const string Carc = "https://x12.org/codes/claim-adjustment-reason-codes";
    /// <summary>Provider-level adjustment reason codes (PLB03-1).</summary>
    public const string ProviderAdjustmentReason = "https://x12.org/codes/provider-adjustment-reason-codes";
    /// <summary>A PaymentNotice's payment: the card processor's token for the payment, never the card number.</summary>
    public const string ProcessorToken = "urn:fhirpractice:billing:processor-token";
    public const string ClaimStatusCategory = "https://x12.org/codes/claim-status-category-codes";
    public const string ClaimStatus = "https://x12.org/codes/claim-status-codes";
    /// <summary>A ClaimResponse error from a 999: the implementation acknowledgment's segment and element codes.</summary>
    public const string Acknowledgment999 = "urn:fhirpractice:billing:999";

    public const string ClaimPayment = "claim-payment";
    public const string ProviderAdjustment = "provider-adjustment";
    public const string UnmatchedClaim = "unmatched-claim";
    public const string UnmatchedLine = "unmatched-line";
}
