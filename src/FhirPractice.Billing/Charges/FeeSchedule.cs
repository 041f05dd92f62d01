using System.Collections.Concurrent;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirPractice.Billing.Charges;

/// <summary>
/// A fee schedule is a ChargeItemDefinition: for one payer (a useContext with code
/// <c>urn:fhirpractice:billing:usage-context|payer</c> and the payer Organization as valueReference) or, without
/// one, the practice's default; active within its effectivePeriod. Each propertyGroup applies to a charge when all
/// its applicability expressions (FHIRPath on the ChargeItem) are true, e.g. <c>code.coding.code = '99213'</c> and,
/// for a modifier, <c>extension('urn:fhirpractice:billing:charge-modifier').where(value = '50').exists()</c>. The unit price is the
/// first applicable <c>base</c> amount, plus each applicable <c>surcharge</c> and minus each <c>deduction</c> or
/// <c>discount</c> (an amount, or a factor of the base); the charge's price is that times its quantity (and its
/// factorOverride), to the cent. No applicable base: the schedule does not price the charge.
/// </summary>
public sealed class FeeSchedule(ChargeItemDefinition definition)
{
    private static readonly FhirPathCompiler Compiler = FhirPathCompilers.WithFhirFunctions();
    private static readonly ConcurrentDictionary<string, CompiledExpression?> Compiled = new(StringComparer.Ordinal);

    public ChargeItemDefinition Definition => definition;

    /// <summary>url|version (or the url alone), what ChargeItem.definitionCanonical records.</summary>
    public string Canonical => definition.Version is { Length: > 0 } version ? $"{definition.Url}|{version}" : definition.Url;

    public string? Payer => definition.UseContext.FirstOrDefault(u => u.Code?.System == BillingSystems.UsageContext && u.Code.Code == "payer")?.Value is ResourceReference r ? r.Reference : null;

    public DateTimeOffset? Start => definition.EffectivePeriod?.StartElement?.ToDateTimeOffset(TimeSpan.Zero);

    public bool InEffectOn(DateOnly date)
    {
        var period = definition.EffectivePeriod;
        if (period is null) return true;
        var day = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return (period.StartElement is not { } start || start.ToDateTimeOffset(TimeSpan.Zero).Date <= day.Date)
            && (period.EndElement is not { } end || end.ToDateTimeOffset(TimeSpan.Zero).Date >= day.Date);
    }

    /// <summary>The charge's total price by this schedule, or null when no group gives it a base price.</summary>
    public decimal? Price(ChargeItem charge)
    {
        var node = charge.ToPocoNode();
        var components = definition.PropertyGroup.Where(g => g.Applicability.All(a => Applies(a, node))).SelectMany(g => g.PriceComponent).ToList();
        if (components.FirstOrDefault(c => c.Type == InvoicePriceComponentType.Base)?.Amount?.Value is not { } unit) return null;
        var price = unit;
        foreach (var c in components)
        {
            var amount = c.Amount?.Value ?? unit * (c.Factor ?? 0m);
            price += c.Type switch
            {
                InvoicePriceComponentType.Surcharge => amount,
                InvoicePriceComponentType.Deduction or InvoicePriceComponentType.Discount => -amount,
                _ => 0m,
            };
        }
        return Math.Round(price * (charge.Quantity?.Value ?? 1m) * (charge.FactorOverride ?? 1m), 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>A condition in another language than FHIRPath, or one that does not compile, never applies.</summary>
    private static bool Applies(ChargeItemDefinition.ApplicabilityComponent applicability, PocoNode charge)
    {
        if (applicability.Language is { } language && language != "text/fhirpath") return false;
        if (applicability.Expression is not { } expression) return true;
        var compiled = Compiled.GetOrAdd(expression, e =>
        {
            try { return Compiler.Compile(e); }
            catch (Exception) { return null; }
        });
        return compiled is not null && compiled.IsTrue(charge, new EvaluationContext());
    }
}
