using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Claims;

/// <summary>What billing reads off Claims and the resources around them, in one place so the 837P writer, the scrubber and posting agree.</summary>
public static class ClaimFacts
{
    public static string? Identifier(IEnumerable<Identifier> identifiers, string system) =>
        identifiers.FirstOrDefault(i => i.System == system)?.Value;

    /// <summary>CLM01: the claim's claim-number identifier.</summary>
    public static string? ClaimNumber(this Claim claim) => Identifier(claim.Identifier, BillingSystems.ClaimNumber);

    /// <summary>REF*6R of a line: the claim number and the line's sequence, so a remittance line finds its claim line.</summary>
    public static string LineControlNumber(string claimNumber, int sequence) => $"{claimNumber}-{sequence}";

    public static (string ClaimNumber, int Sequence)? ParseLineControlNumber(string value)
    {
        var dash = value.LastIndexOf('-');
        return dash > 0 && int.TryParse(value[(dash + 1)..], out var sequence) ? (value[..dash], sequence) : null;
    }

    /// <summary>The claim being corrected or voided: related.reference carries the payer's claim number.</summary>
    public static Claim.RelatedClaimComponent? Prior(this Claim claim) =>
        claim.Related.FirstOrDefault(r => r.Relationship?.Coding.Any(c => c.Code == "prior") == true);

    /// <summary>CLM05-3: 1 original, 7 replacement of a prior claim, 8 void of a prior claim (a cancelled Claim).</summary>
    public static string FrequencyCode(this Claim claim) =>
        claim.Prior() is null ? "1" : claim.Status == FinancialResourceStatusCodes.Cancelled ? "8" : "7";

    public static string PlaceOfService(this Claim claim) =>
        claim.Item.Select(i => i.Location as CodeableConcept).FirstOrDefault(l => l is not null)?.Coding.FirstOrDefault()?.Code ?? "11";

    public static DateTime? ServiceDate(this Claim.ItemComponent item) => item.Serviced switch
    {
        Date d => d.ToSystemDate()?.ToDateTimeOffset(TimeSpan.Zero).Date,
        Period p => p.StartElement?.ToDateTimeOffset(TimeSpan.Zero).Date,
        _ => null,
    };

    public static decimal Charge(this Claim.ItemComponent item) =>
        item.Net?.Value ?? (item.UnitPrice?.Value ?? 0m) * (item.Quantity?.Value ?? 1m);

    /// <summary>The diagnosis codes of a claim by sequence (ICD-10-CM, as coded, with or without the dot).</summary>
    public static string? DiagnosisCode(this Claim.DiagnosisComponent d) =>
        (d.Diagnosis as CodeableConcept)?.Coding.FirstOrDefault(c => c.System == BillingSystems.Icd10Cm)?.Code;

    public static string? PayerId(this Organization payer) => Identifier(payer.Identifier, BillingSystems.PayerId);

    public static string? Npi(IEnumerable<Identifier> identifiers) => Identifier(identifiers, BillingSystems.Npi);

    /// <summary>
    /// The coverage's relationship of subscriber to patient ("self", "spouse", "child", …): its subscriber-relationship
    /// code, else its first code (a coverage may also carry v2 and v3 codes, as one from an HL7 v2 IN1 does), else self.
    /// </summary>
    public static string Relationship(this Coverage coverage) =>
        coverage.Relationship?.Coding.FirstOrDefault(c => c.System == BillingSystems.SubscriberRelationship)?.Code
        ?? coverage.Relationship?.Coding.FirstOrDefault()?.Code ?? "self";
}
