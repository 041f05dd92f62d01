using FhirPractice.Fhir;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Charges;

/// <summary>
/// The charges a finished Encounter gives: one per completed Procedure of the encounter and one per Encounter.type
/// or serviceType coding in CPT or HCPCS (the visit's E/M service), each with an identifier naming its source so that
/// capturing again finds it instead of charging twice. Occurrence, performer and reason (the encounter's ICD-10-CM
/// diagnoses, which the claim's diagnosis pointers follow) come from the procedure, else the encounter.
/// </summary>
public static class EncounterCharges
{
    public static async Task<List<ChargeItem>> FromAsync(BillingDoor door, Encounter encounter, DateTimeOffset now, CancellationToken ct)
    {
        if (encounter.Status != Encounter.EncounterStatus.Finished)
            throw FhirError.Unprocessable($"Charges are captured from a finished encounter; this one is {encounter.Status?.ToString().ToLowerInvariant() ?? "without status"}", "Encounter.status");
        var patient = encounter.Subject?.Reference is { } subject && subject.StartsWith("Patient/", StringComparison.Ordinal) ? subject
            : throw FhirError.Unprocessable("The encounter has no patient as subject", "Encounter.subject");
        var reasons = await DiagnosesAsync(door, encounter, ct);
        var practitioner = encounter.Participant.Select(p => p.Individual).FirstOrDefault(r => r?.Reference?.StartsWith("Practitioner/") == true);
        var charges = new List<ChargeItem>();

        var services = encounter.Type.Append(encounter.ServiceType).OfType<CodeableConcept>().SelectMany(c => c.Coding).Where(Billable);
        foreach (var coding in services.DistinctBy(c => (c.System, c.Code)))
            charges.Add(Charge($"Encounter/{encounter.Id}/type/{coding.Code}", coding, patient, encounter, encounter.Period, practitioner, reasons, now));

        var procedures = await door.SearchAsync<Procedure>("Procedure", [new("encounter", "Encounter/" + encounter.Id), new("status", "completed"), new("_count", "100")], ct);
        foreach (var procedure in procedures)
            if (procedure.Code?.Coding.FirstOrDefault(Billable) is { } coding)
            {
                var charge = Charge("Procedure/" + procedure.Id, coding, patient, encounter, procedure.Performed ?? encounter.Period,
                    procedure.Performer.Select(p => p.Actor).FirstOrDefault(a => a?.Reference?.StartsWith("Practitioner/") == true) ?? practitioner, reasons, now);
                charge.Service = [new ResourceReference("Procedure/" + procedure.Id)];
                charges.Add(charge);
            }
        if (charges.Count == 0)
            throw FhirError.Unprocessable("The encounter has no completed Procedure and no type or service type coded in CPT or HCPCS: nothing to charge", "Encounter");
        return charges;
    }

    private static bool Billable(Coding c) => c.System is BillingSystems.Cpt or BillingSystems.Hcpcs && c.Code is { Length: > 0 };

    private static ChargeItem Charge(string source, Coding code, string patient, Encounter encounter, DataType? occurrence, ResourceReference? performer,
        List<CodeableConcept> reasons, DateTimeOffset now) => new()
    {
        Identifier = [new Identifier(BillingSystems.ChargeSource, source)],
        Status = ChargeItem.ChargeItemStatus.Billable,
        Code = new CodeableConcept { Coding = [new Coding(code.System, code.Code, code.Display)] },
        Subject = new ResourceReference(patient),
        Context = new ResourceReference("Encounter/" + encounter.Id),
        Occurrence = occurrence switch
        {
            FhirDateTime d => d,
            Period p => p,
            _ => null,
        },
        Performer = performer is null ? [] : [new ChargeItem.PerformerComponent { Actor = performer }],
        Quantity = new Quantity { Value = 1 },
        EnteredDateElement = new FhirDateTime(now),
        Reason = reasons,
    };

    /// <summary>The encounter's ICD-10-CM diagnoses by rank (Encounter.diagnosis), else the Conditions recorded for it.</summary>
    private static async Task<List<CodeableConcept>> DiagnosesAsync(BillingDoor door, Encounter encounter, CancellationToken ct)
    {
        var conditions = new List<Condition>();
        foreach (var d in encounter.Diagnosis.OrderBy(d => d.Rank ?? int.MaxValue))
            if (await door.ReadAsync<Condition>(d.Condition, ct) is { } condition) conditions.Add(condition);
        if (conditions.Count == 0)
            conditions = await door.SearchAsync<Condition>("Condition", [new("encounter", "Encounter/" + encounter.Id)], ct);
        return conditions.Select(c => c.Code?.Coding.FirstOrDefault(x => x.System == BillingSystems.Icd10Cm))
            .OfType<Coding>().DistinctBy(c => c.Code).Select(c => new CodeableConcept(c.System, c.Code, c.Display)).ToList();
    }
}
