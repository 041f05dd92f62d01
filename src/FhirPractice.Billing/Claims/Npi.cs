namespace FhirPractice.Billing.Claims;

/// <summary>The NPI check digit: Luhn over the nine-digit identifier with the card-issuer prefix 80840 in front.</summary>
public static class Npi
{
    public static bool IsValid(string? npi)
    {
        if (npi is null || npi.Length != 10 || !npi.All(char.IsAsciiDigit)) return false;
        var digits = "80840" + npi[..9];
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            // Doubling starts at the rightmost digit of the payload, since the check digit is not in it.
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        return (10 - sum % 10) % 10 == npi[9] - '0';
    }
}
