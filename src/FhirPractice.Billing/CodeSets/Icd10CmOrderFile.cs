namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// Reads <c>icd10cm_order_YYYY.txt</c>, the fixed-width file CMS publishes each fiscal year: order number
/// (columns 1–5), code (7–13), 1 for a billable code or 0 for a header (15), short description (17–76),
/// long description (78–). Codes come out as written in claims and FHIR, with the dot after the category (J01.90).
/// A line that does not fit is refused with its line number.
/// </summary>
public static class Icd10CmOrderFile
{
    public static IEnumerable<CodeSetEntry> Read(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            if (line.Length < 17 || line[5] != ' ' || line[13] != ' ' || line[14] is not ('0' or '1'))
                throw new FormatException($"line {number}: not an ICD-10-CM order file line (order number, code, header flag, descriptions in fixed columns)");
            var code = line[6..13].Trim();
            if (code.Length is < 3 or > 7 || !char.IsAsciiLetterUpper(code[0]) || !code.All(char.IsAsciiLetterOrDigit))
                throw new FormatException($"line {number}: '{code}' is not an ICD-10-CM code");
            var shortDescription = line.Length > 76 ? line[16..76].Trim() : line[16..].Trim();
            var longDescription = line.Length > 77 ? line[77..].Trim() : shortDescription;
            yield return new CodeSetEntry(Dotted(code), longDescription, shortDescription, line[14] == '1');
        }
    }

    /// <summary>J0190 → J01.90: the dot after the three-character category.</summary>
    public static string Dotted(string code) => code.Length > 3 ? code[..3] + "." + code[3..] : code;

    /// <summary>The fiscal year a file name states (<c>icd10cm_order_2025.txt</c> → 2025), or null.</summary>
    public static int? FiscalYearOf(string fileName)
    {
        var name = Path.GetFileNameWithoutExtension(fileName);
        return name.StartsWith("icd10cm_order_", StringComparison.OrdinalIgnoreCase) && int.TryParse(name["icd10cm_order_".Length..], out var year) ? year : null;
    }
}
