using FhirPractice.Billing.Patients;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Charges;

/// <summary>
/// What every captured charge gets, whatever its door ($capture-charges, REST, DFT^P03, inventory): the patient's
/// Account when it names none (one that names an account, such as DFT's PID-18, keeps it), and, unless it carries a
/// priceOverride or was priced before, its price from the applicable fee schedule (the payer of the patient's
/// primary active coverage, else the default) as the <c>urn:fhirpractice:billing:charge-price</c> extension, with
/// the schedule recorded in definitionCanonical.
/// </summary>
public static class ChargeCompletion
{
    /// <summary>Whether the charge is one to complete: billable or planned, for a patient, and missing its account or its price.</summary>
    public static bool Needed(ChargeItem charge) =>
        charge.Status is ChargeItem.ChargeItemStatus.Billable or ChargeItem.ChargeItemStatus.Planned &&
        charge.Subject?.Reference?.StartsWith("Patient/", StringComparison.Ordinal) == true &&
        (charge.Account.Count == 0 || Unpriced(charge));

    private static bool Unpriced(ChargeItem charge) => charge.PriceOverride is null && charge.DefinitionCanonicalElement.Count == 0;

    /// <summary>Completes the charge in place; says whether anything changed.</summary>
    public static async Task<bool> CompleteAsync(BillingDoor door, ChargeItem charge, FeeSchedules schedules, CancellationToken ct)
    {
        if (!Needed(charge)) return false;
        var patient = charge.Subject.Reference;
        var primary = (await door.SearchAsync<Coverage>("Coverage", [new("beneficiary", patient), new("status", "active")], ct))
            .OrderBy(c => c.Order ?? int.MaxValue).FirstOrDefault();
        var changed = false;
        if (charge.Account.Count == 0)
        {
            charge.Account.Add(new ResourceReference("Account/" + (await PatientAccounts.FindOrCreateAsync(door, patient, primary, ct)).Id));
            changed = true;
        }
        if (Unpriced(charge) && schedules.Price(charge, primary?.Payor.FirstOrDefault()?.Reference, ServiceDate(charge)) is var (schedule, price))
        {
            charge.DefinitionCanonicalElement = [new Canonical(schedule.Canonical)];
            charge.SetExtension(BillingSystems.ChargePrice, new Money { Value = price, Currency = Money.Currencies.USD });
            changed = true;
        }
        return changed;
    }

    /// <summary>The day the service was given: occurrence (its start), else the day it was entered.</summary>
    public static DateOnly ServiceDate(ChargeItem charge)
    {
        var when = charge.Occurrence switch
        {
            FhirDateTime d => d.ToDateTimeOffset(TimeSpan.Zero),
            Period p => p.StartElement?.ToDateTimeOffset(TimeSpan.Zero),
            Timing t => t.EventElement.FirstOrDefault()?.ToDateTimeOffset(TimeSpan.Zero),
            _ => null,
        } ?? charge.EnteredDateElement?.ToDateTimeOffset(TimeSpan.Zero) ?? DateTimeOffset.UtcNow;
        return DateOnly.FromDateTime(when.Date);
    }
}
