using FhirPractice.Billing.Charges;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Tests.Charges;

public class FeeScheduleTests
{
    private static ChargeItemDefinition.PropertyGroupComponent Group(InvoicePriceComponentType type, decimal? amount, decimal? factor, params string[] conditions) => new()
    {
        Applicability = conditions.Select(c => new ChargeItemDefinition.ApplicabilityComponent { Language = "text/fhirpath", Expression = c }).ToList(),
        PriceComponent = [new() { Type = type, Amount = amount is { } a ? new Money { Value = a, Currency = Money.Currencies.USD } : null, Factor = factor }],
    };

    private const string Visit = "code.coding.code = '99213'";
    private static string Modifier(string m) => $"extension('{BillingSystems.ChargeModifier}').where(value = '{m}').exists()";

    private static FeeSchedule Schedule(string? payer = null, string start = "2026-01-01", string end = "2026-12-31") => new(new ChargeItemDefinition
    {
        Url = "http://practice.example/fees/" + (payer ?? "default"), Version = "1", Status = PublicationStatus.Active,
        UseContext = payer is null ? [] : [new UsageContext { Code = new Coding(BillingSystems.UsageContext, "payer"), Value = new ResourceReference(payer) }],
        EffectivePeriod = new Period(new FhirDateTime(start), new FhirDateTime(end)),
        PropertyGroup =
        [
            Group(InvoicePriceComponentType.Base, 125.50m, null, Visit),
            Group(InvoicePriceComponentType.Surcharge, 10m, null, Visit, Modifier("25")),
            Group(InvoicePriceComponentType.Surcharge, null, 0.5m, Visit, Modifier("50")),
            Group(InvoicePriceComponentType.Deduction, null, 0.6m, Visit, Modifier("26")),
            Group(InvoicePriceComponentType.Base, 25m, null, "code.coding.code = 'G0008'"),
            Group(InvoicePriceComponentType.Base, 1m, null, "this is not fhirpath ((("),
        ],
    });

    private static ChargeItem Charge(string code = "99213", decimal quantity = 1, params string[] modifiers)
    {
        var charge = new ChargeItem { Code = new CodeableConcept(BillingSystems.Cpt, code), Quantity = new Quantity { Value = quantity } };
        foreach (var m in modifiers) charge.AddExtension(BillingSystems.ChargeModifier, new Code(m));
        return charge;
    }

    [Theory]
    [InlineData(1, new string[0], 125.50)]
    [InlineData(1, new[] { "25" }, 135.50)]
    [InlineData(2, new[] { "50" }, 376.50)]
    [InlineData(1, new[] { "26" }, 50.20)]
    [InlineData(1, new[] { "25", "50" }, 198.25)]
    [InlineData(1, new[] { "59" }, 125.50)]
    public void A_charge_is_priced_from_the_base_and_its_modifiers_times_its_quantity(int quantity, string[] modifiers, double price) =>
        Assert.Equal((decimal)price, Schedule().Price(Charge("99213", quantity, modifiers)));

    [Fact]
    public void A_code_without_a_base_price_is_not_priced_by_the_schedule() => Assert.Null(Schedule().Price(Charge("99214")));

    [Fact]
    public void The_payer_s_schedule_in_effect_wins_then_the_default()
    {
        var schedules = new FeeSchedules([Schedule(), Schedule("Organization/acme"), Schedule("Organization/acme", "2025-01-01", "2025-12-31")]);
        Assert.Equal(("http://practice.example/fees/Organization/acme|1", 125.50m), Pick(schedules, Charge(), "Organization/acme", "2026-02-01"));
        Assert.Equal(("http://practice.example/fees/default|1", 125.50m), Pick(schedules, Charge(), "Organization/other", "2026-02-01"));
        Assert.Equal(("http://practice.example/fees/Organization/acme|1", 125.50m), Pick(schedules, Charge(), "Organization/acme", "2025-06-01"));
        Assert.Null(schedules.Price(Charge(), null, new DateOnly(2024, 6, 1)));
    }

    private static (string, decimal)? Pick(FeeSchedules schedules, ChargeItem charge, string payer, string date) =>
        schedules.Price(charge, payer, DateOnly.Parse(date)) is var (s, p) ? (s.Canonical, p) : null;
}
