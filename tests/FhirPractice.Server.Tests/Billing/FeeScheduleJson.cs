namespace FhirPractice.Server.Tests.Billing;

/// <summary>Fee schedules (ChargeItemDefinitions) for the charge tests: base prices per code, modifier surcharges.</summary>
public static class FeeScheduleJson
{
    private static string Applies(string expression) => $$$"""{"language":"text/fhirpath","expression":"{{{expression}}}"}""";

    private static string Money(decimal amount) => $$$"""{"value":{{{amount}}},"currency":"USD"}""";

    public static string Base(string code, decimal amount) =>
        $$$"""{"applicability":[{{{Applies($"code.coding.code = '{code}'")}}}],"priceComponent":[{"type":"base","amount":{{{Money(amount)}}}}]}""";

    /// <summary>A surcharge for a code billed with a modifier: an amount, or a factor of the base.</summary>
    public static string Modifier(string code, string modifier, decimal? amount = null, decimal? factor = null)
    {
        var conditions = Applies($"code.coding.code = '{code}'") + "," + Applies($"extension('urn:fhirpractice:billing:charge-modifier').where(value = '{modifier}').exists()");
        var value = amount is { } a ? "\"amount\":" + Money(a) : $"\"factor\":{factor}";
        return $$$"""{"applicability":[{{{conditions}}}],"priceComponent":[{"type":"surcharge",{{{value}}}}]}""";
    }

    /// <summary>A ChargeItemDefinition body (without resourceType and id); <paramref name="payer"/> null: the default schedule.</summary>
    public static string Definition(string url, string version, string? payer, string start, string end, params string[] groups)
    {
        var context = payer is null ? "" :
            $$$"""
            "useContext":[{"code":{"system":"urn:fhirpractice:billing:usage-context","code":"payer"},"valueReference":{"reference":"{{{payer}}}"}}],
            """;
        return $$$"""
            "url":"{{{url}}}","version":"{{{version}}}","status":"active",{{{context}}}
            "effectivePeriod":{"start":"{{{start}}}","end":"{{{end}}}"},"propertyGroup":[{{{string.Join(",", groups)}}}]
            """;
    }
}
