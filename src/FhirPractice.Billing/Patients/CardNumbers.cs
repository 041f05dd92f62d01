using System.Text.RegularExpressions;

namespace FhirPractice.Billing.Patients;

/// <summary>
/// Finds what looks like a payment card number (13 to 19 digits, spaces or dashes between them allowed, passing the
/// Luhn check) anywhere in a text. Payments are recorded with the processor's token only: a resource holding a card
/// number is refused before it is stored.
/// </summary>
public static partial class CardNumbers
{
    public static bool Contains(string text)
    {
        foreach (Match match in Candidate().Matches(text))
        {
            var digits = match.Value.Where(char.IsAsciiDigit).ToArray();
            if (digits.Length is >= 13 and <= 19 && Luhn(digits)) return true;
        }
        return false;
    }

    private static bool Luhn(char[] digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")] private static partial Regex Candidate();
}
