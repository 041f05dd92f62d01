using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Claims;

/// <summary>
/// What makes two claims the same bill: the patient, the dates of service and the procedure codes with their
/// modifiers. Submitted claims keep their fingerprint in module state (kind <see cref="Kind"/>) so a second
/// claim for the same services is caught before it goes out.
/// </summary>
public static class ClaimFingerprint
{
    public const string Kind = "billing.claim-fingerprint";

    public static string Of(Claim claim) =>
        claim.Patient?.Reference + "|" + string.Join(",", claim.Item
            .Select(i => $"{i.ServiceDate():yyyyMMdd}:{i.ProductOrService?.Coding.FirstOrDefault()?.Code}:{string.Join(":", i.Modifier.Select(m => m.Coding.FirstOrDefault()?.Code))}")
            .Order(StringComparer.Ordinal));
}
