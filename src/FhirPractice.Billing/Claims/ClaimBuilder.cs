using FhirPractice.Fhir;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Claims;

/// <summary>
/// Builds a draft professional Claim from an Encounter: its billable ChargeItems become the lines (code,
/// modifiers from the charge-modifier extension, quantity, price: the priceOverride, else the fee-schedule price), its ICD-10-CM diagnoses (Encounter.diagnosis
/// by rank, else the Conditions recorded for it) the claim's diagnoses, each line pointing at the diagnoses its
/// charge gives as reason (else the first); the patient's active coverages in order are the insurance, the
/// service provider bills and the first practitioner renders.
/// </summary>
public sealed class ClaimBuilder(TimeProvider clock)
{
    public async Task<Claim> BuildAsync(BillingDoor door, string encounterId, CancellationToken ct)
    {
        var encounter = await door.ReadAsync<Encounter>(new ResourceReference("Encounter/" + encounterId), ct)
            ?? throw FhirError.NotFound($"Encounter/{encounterId} does not exist");
        var patient = encounter.Subject?.Reference ?? throw FhirError.Unprocessable("The encounter has no subject", "Encounter.subject");
        var charges = (await door.SearchAsync<ChargeItem>("ChargeItem", [new("context", "Encounter/" + encounterId), new("_count", "100")], ct))
            .Where(c => c.Status == ChargeItem.ChargeItemStatus.Billable).ToList();
        if (charges.Count == 0) throw FhirError.Unprocessable("The encounter has no billable ChargeItem", "Encounter");
        var coverages = (await door.SearchAsync<Coverage>("Coverage", [new("beneficiary", patient), new("status", "active")], ct))
            .OrderBy(c => c.Order ?? int.MaxValue).ToList();
        if (coverages.Count == 0) throw FhirError.Unprocessable("The patient has no active Coverage", "Coverage.beneficiary");

        var diagnoses = await DiagnosesAsync(door, encounter, ct);
        var claim = new Claim
        {
            Identifier = [new Identifier(BillingSystems.ClaimNumber, "C" + Guid.NewGuid().ToString("N")[..19].ToUpperInvariant())],
            Status = FinancialResourceStatusCodes.Draft,
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
            Use = ClaimUseCode.Claim,
            Patient = new ResourceReference(patient),
            Created = clock.GetUtcNow().ToString("yyyy-MM-dd"),
            Provider = encounter.ServiceProvider ?? throw FhirError.Unprocessable("The encounter has no service provider to bill as", "Encounter.serviceProvider"),
            Priority = new CodeableConcept("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
            Diagnosis = diagnoses.Select((code, i) => new Claim.DiagnosisComponent
            {
                Sequence = i + 1,
                Diagnosis = new CodeableConcept(BillingSystems.Icd10Cm, code),
            }).ToList(),
            Insurance = coverages.Select((c, i) => new Claim.InsuranceComponent
            {
                Sequence = i + 1, Focal = i == 0, Coverage = new ResourceReference("Coverage/" + c.Id),
            }).ToList(),
        };
        if (encounter.Participant.Select(p => p.Individual).FirstOrDefault(r => r?.Reference?.StartsWith("Practitioner/") == true) is { } practitioner)
            claim.CareTeam.Add(new Claim.CareTeamComponent { Sequence = 1, Provider = practitioner, Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/claimcareteamrole", "primary") });
        var sequence = 0;
        foreach (var charge in charges)
        {
            var pointers = charge.Reason.Select(r => r.Coding.FirstOrDefault(c => c.System == BillingSystems.Icd10Cm)?.Code)
                .Select(code => diagnoses.IndexOf(code!) + 1).Where(p => p > 0).Distinct().ToList();
            var quantity = charge.Quantity?.Value ?? 1m;
            claim.Item.Add(new Claim.ItemComponent
            {
                Sequence = ++sequence,
                DiagnosisSequence = (pointers.Count > 0 ? pointers : [1]).Select(p => (int?)p).ToList(),
                ProductOrService = charge.Code,
                Modifier = charge.GetExtensions(BillingSystems.ChargeModifier).Select(e => new CodeableConcept(BillingSystems.Cpt, e.Value is Code { Value: { } modifier } ? modifier
                    : throw FhirError.Unprocessable($"ChargeItem/{charge.Id} has a modifier that is not a code", "ChargeItem.extension"))).ToList(),
                Serviced = ServiceDate(charge, encounter),
                Quantity = new Quantity { Value = quantity },
                Net = new Money { Value = charge.PriceOverride?.Value ?? (charge.GetExtensionValue<Money>(BillingSystems.ChargePrice))?.Value ?? 0m, Currency = Money.Currencies.USD },
                Encounter = [new ResourceReference("Encounter/" + encounterId)],
            });
        }
        claim.Total = new Money { Value = claim.Item.Sum(i => i.Net.Value ?? 0m), Currency = Money.Currencies.USD };
        return claim;
    }

    private static async Task<List<string>> DiagnosesAsync(BillingDoor door, Encounter encounter, CancellationToken ct)
    {
        var conditions = new List<Condition>();
        foreach (var d in encounter.Diagnosis.OrderBy(d => d.Rank ?? int.MaxValue))
            if (await door.ReadAsync<Condition>(d.Condition, ct) is { } condition) conditions.Add(condition);
        if (conditions.Count == 0)
            conditions = await door.SearchAsync<Condition>("Condition", [new("encounter", "Encounter/" + encounter.Id)], ct);
        return conditions.Select(c => c.Code?.Coding.FirstOrDefault(x => x.System == BillingSystems.Icd10Cm)?.Code)
            .OfType<string>().Distinct().ToList();
    }

    private static Date? ServiceDate(ChargeItem charge, Encounter encounter)
    {
        var when = charge.Occurrence switch
        {
            FhirDateTime d => d.Value,
            Period p => p.Start,
            _ => encounter.Period?.Start,
        };
        return when is { Length: >= 10 } ? new Date(when[..10]) : null;
    }
}
