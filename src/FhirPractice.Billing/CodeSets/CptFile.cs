using System.Text;
using System.Text.RegularExpressions;

namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// Reads a practice's licensed CPT descriptors (CPT is the AMA's; none ship with the server): <c>cpt_YYYY.csv</c>,
/// the release used for fiscal year YYYY, UTF-8 CSV (RFC 4180 quoting) whose first line is the header
/// <c>code,display</c> or <c>code,display,short</c>, then one code a line. A line that does not fit is refused with
/// its line number.
/// </summary>
public static partial class CptFile
{
    public static IEnumerable<CodeSetEntry> Read(TextReader reader)
    {
        var header = reader.ReadLine()?.Trim().ToLowerInvariant();
        if (header is not ("code,display" or "code,display,short"))
            throw new FormatException("line 1: a CPT file starts with the header 'code,display' (or 'code,display,short')");
        var number = 1;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var fields = Fields(line, number);
            if (fields.Count is < 2 or > 3) throw new FormatException($"line {number}: {fields.Count} fields; a CPT line has code, display and optionally short");
            if (!Format().IsMatch(fields[0])) throw new FormatException($"line {number}: '{fields[0]}' is not a CPT code (five digits, or four digits and F or T)");
            if (fields[1].Length == 0) throw new FormatException($"line {number}: {fields[0]} has no display");
            yield return new CodeSetEntry(fields[0], fields[1], fields.Count == 3 && fields[2].Length > 0 ? fields[2] : null, Billable: true);
        }
    }

    public static bool IsCode(string code) => Format().IsMatch(code);

    public static int? FiscalYearOf(string fileName)
    {
        var match = FileName().Match(Path.GetFileName(fileName));
        return match.Success ? int.Parse(match.Groups[1].Value) : null;
    }

    private static List<string> Fields(string line, int number)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == ',') { fields.Add(field.ToString().Trim()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) throw new FormatException($"line {number}: a quoted field is not closed");
        fields.Add(field.ToString().Trim());
        return fields;
    }

    // Category I: five digits; Categories II and III: four digits and F or T.
    [GeneratedRegex(@"^(\d{5}|\d{4}[FT])$")] private static partial Regex Format();
    [GeneratedRegex(@"^cpt_(\d{4})\.csv$", RegexOptions.IgnoreCase)] private static partial Regex FileName();
}
