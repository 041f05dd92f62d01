using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Claims;

/// <summary>Reads what a stored Claim refers to into a <see cref="ClaimPackage"/>; a missing piece is a 422 naming the Claim's element.</summary>
public static class ClaimAssembler
{
    public static async Task<ClaimPackage> AssembleAsync(BillingDoor door, Claim claim, CancellationToken ct)
    {
        var patient = await door.ReadAsync<Patient>(claim.Patient, ct) ?? throw Missing("Claim.patient", "patient");
        var focal = claim.Insurance.FirstOrDefault(i => i.Focal == true) ?? claim.Insurance.FirstOrDefault() ?? throw Missing("Claim.insurance", "coverage");
        var coverage = await door.ReadAsync<Coverage>(focal.Coverage, ct) ?? throw Missing("Claim.insurance.coverage", "coverage");
        var payer = await door.ReadAsync<Organization>(coverage.Payor.FirstOrDefault(), ct) ?? throw Missing("Coverage.payor", "payer Organization");
        var provider = await door.ReadAsync<Organization>(claim.Provider, ct) ?? throw Missing("Claim.provider", "billing provider Organization");
        var rendering = await door.ReadAsync<Practitioner>(claim.CareTeam.FirstOrDefault()?.Provider, ct);
        var subscriber = coverage.Relationship() == "self" ? null : await door.ReadAsync<Patient>(coverage.Subscriber, ct);
        var prior = new List<PriorPayer>();
        foreach (var earlier in claim.Insurance.Where(i => i.Sequence < focal.Sequence && i.ClaimResponse is not null).OrderBy(i => i.Sequence))
        {
            var earlierCoverage = await door.ReadAsync<Coverage>(earlier.Coverage, ct) ?? throw Missing("Claim.insurance.coverage", "prior coverage");
            var earlierPayer = await door.ReadAsync<Organization>(earlierCoverage.Payor.FirstOrDefault(), ct) ?? throw Missing("Coverage.payor", "prior payer");
            var decision = await door.ReadAsync<ClaimResponse>(earlier.ClaimResponse, ct) ?? throw Missing("Claim.insurance.claimResponse", "prior payer's ClaimResponse");
            prior.Add(new PriorPayer(earlierCoverage, earlierPayer, decision));
        }
        return new ClaimPackage(claim, patient, coverage, payer, provider, rendering, subscriber, prior);
    }

    private static FhirError Missing(string element, string what) => FhirError.Unprocessable($"The claim's {what} cannot be read", element);
}
