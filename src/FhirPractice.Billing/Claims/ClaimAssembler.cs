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
        var subscriber = coverage.Relationship() == "self" ? null : AsPerson(await door.ReadAsync<Resource>(coverage.Subscriber, ct));
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

    /// <summary>
    /// The subscriber's demographics, which the claim's subscriber loop carries: a Patient as it is, a RelatedPerson
    /// (an insured who is not a patient here, as an HL7 v2 IN1 names one) by its names, address, telecom, birth
    /// date, sex and identifiers.
    /// </summary>
    private static Patient? AsPerson(Resource? subscriber) => subscriber switch
    {
        Patient patient => patient,
        RelatedPerson person => new Patient
        {
            Name = person.Name, Address = person.Address, Telecom = person.Telecom, Identifier = person.Identifier,
            BirthDateElement = person.BirthDateElement, Gender = person.Gender,
        },
        _ => null,
    };

    private static FhirError Missing(string element, string what) => FhirError.Unprocessable($"The claim's {what} cannot be read", element);
}
