using System.Globalization;

namespace FhirPractice.Fhir.Search;

/// <summary>The implicit range of a number from its significant figures: 100 is [99.5, 100.5), 1.50 is [1.495, 1.505).</summary>
public static class NumberPrecision
{
    public static (decimal Low, decimal High) Range(string text, decimal value)
    {
        var mantissa = text.Split('e', 'E')[0];
        var dot = mantissa.IndexOf('.');
        var decimals = dot < 0 ? 0 : mantissa.Length - dot - 1;
        var half = 0.5m / Pow10(decimals);
        return (value - half, value + half);
    }

    private static decimal Pow10(int n)
    {
        var r = 1m;
        for (var i = 0; i < n && i < 27; i++) r *= 10;
        return r;
    }

    public static bool TryParse(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
