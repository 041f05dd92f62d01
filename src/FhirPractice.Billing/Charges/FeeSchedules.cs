using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Charges;

/// <summary>
/// The active fee schedules, read once for a batch of charges, and the choice among them: the payer's schedules in
/// effect on the date of service (the latest start first), then the default ones; the first that prices the charge.
/// </summary>
public sealed class FeeSchedules(IReadOnlyList<FeeSchedule> schedules)
{
    public static async Task<FeeSchedules> ReadAsync(BillingDoor door, CancellationToken ct) =>
        new((await door.SearchAsync<ChargeItemDefinition>("ChargeItemDefinition", [new("status", "active"), new("_count", "1000")], ct))
            .Select(d => new FeeSchedule(d)).ToList());

    public (FeeSchedule Schedule, decimal Price)? Price(ChargeItem charge, string? payer, DateOnly dateOfService)
    {
        var inEffect = schedules.Where(s => s.InEffectOn(dateOfService)).OrderByDescending(s => s.Start ?? DateTimeOffset.MinValue).ToList();
        foreach (var schedule in inEffect.Where(s => payer is not null && s.Payer == payer).Concat(inEffect.Where(s => s.Payer is null)))
            if (schedule.Price(charge) is { } price) return (schedule, price);
        return null;
    }
}
