using FhirPractice.Billing.Charges;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Operations;

/// <summary>
/// Encounter/[id]/$capture-charges: the encounter's charges (<see cref="EncounterCharges"/>), on the patient's Account
/// and priced from the fee schedules (<see cref="ChargeCompletion"/>), written in one transaction as conditional
/// creates on their source identifiers — capturing again adds nothing. Answers a collection Bundle of the charges as
/// stored.
/// </summary>
public sealed class ChargeOperations(TimeProvider clock)
{
    public IEnumerable<FhirOperation> Definitions =>
    [
        new("capture-charges", "http://fhirpractice.org/OperationDefinition/Encounter-capture-charges", System: false, Type: false, Instance: true, Types: ["Encounter"], Handler: CaptureAsync),
    ];

    private async Task<FhirResponse> CaptureAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        if (!r.Method.Equals("POST", StringComparison.OrdinalIgnoreCase))
            throw new FhirError(System.Net.HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, "This operation changes data: use POST");
        var door = new BillingDoor(engine, r);
        var encounter = await door.ReadAsync<Encounter>(new ResourceReference("Encounter/" + id), ct) ?? throw FhirError.NotFound($"Encounter/{id} does not exist");
        var charges = await EncounterCharges.FromAsync(door, encounter, clock.GetUtcNow(), ct);
        var schedules = await FeeSchedules.ReadAsync(door, ct);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var charge in charges)
        {
            await ChargeCompletion.CompleteAsync(door, charge, schedules, ct);
            var source = charge.Identifier[0].Value;
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + Guid.NewGuid(),
                Resource = charge,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ChargeItem", IfNoneExist = $"identifier={BillingSystems.ChargeSource}|{source}" },
            });
        }
        var result = await door.TransactionAsync(bundle, ct);
        var stored = new Bundle { Type = Bundle.BundleType.Collection };
        foreach (var entry in result.Entry)
            if (await door.ReadAsync<ChargeItem>(new ResourceReference(ChargeItemOf(entry.Response.Location)), ct) is { } charge)
                stored.Entry.Add(new Bundle.EntryComponent { FullUrl = $"{r.BaseUrl}/ChargeItem/{charge.Id}", Resource = charge });
        return new FhirResponse { Resource = stored };
    }

    /// <summary>ChargeItem/{id} of a transaction entry's location (absolute or relative, with or without _history).</summary>
    private static string ChargeItemOf(string location)
    {
        var parts = location.Split('/');
        var at = Array.LastIndexOf(parts, "ChargeItem");
        return at >= 0 && at + 1 < parts.Length ? "ChargeItem/" + parts[at + 1] : location;
    }
}
