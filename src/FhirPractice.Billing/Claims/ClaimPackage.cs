using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Claims;

/// <summary>
/// A Claim with everything an 837P needs that the Claim only refers to: the patient, the coverage billed and its
/// payer, the billing provider, the rendering provider, the subscriber when it is not the patient, and for a
/// secondary claim the payers before and what they decided.
/// </summary>
public sealed record ClaimPackage(
    Claim Claim,
    Patient Patient,
    Coverage Coverage,
    Organization Payer,
    Organization BillingProvider,
    Practitioner? Rendering,
    Patient? Subscriber,
    IReadOnlyList<PriorPayer> PriorPayers);

/// <summary>A payer that adjudicated the claim before this one (the 2320/2330 loops): its coverage and its ClaimResponse.</summary>
public sealed record PriorPayer(Coverage Coverage, Organization Payer, ClaimResponse Adjudication);
