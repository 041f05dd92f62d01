using System.Globalization;
using System.Text.RegularExpressions;

namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// Reads the CMS HCPCS Level II quarterly file (<c>HCPC2025_JAN_ANWEB….txt</c>), fixed-width records of 320 characters
/// as <c>HCPC20xx_recordlayout.txt</c> describes them: code (columns 1–5), description sequence number (6–10), record
/// id (11: 3 first line of a procedure, 4 its continuation, 7/8 the same for a modifier), long description (12–91),
/// short description (92–119), and on a first line the code's added date (261–268), action effective date
/// (269–276), termination date (277–284), all CCYYMMDD, and action code (285). Continuation lines extend the long
/// description. Modifiers are not codes of the procedure code system and are left out. A line that does not fit is
/// refused with its line number.
/// </summary>
public static partial class HcpcsFile
{
    private const int FirstLineLength = 285;

    public static IEnumerable<CodeSetEntry> Read(TextReader reader)
    {
        var number = 0;
        CodeSetEntry? current = null;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Trim().Length == 0) continue;
            if (line.Length < 11 || !line[5..10].All(char.IsAsciiDigit) || line[10] is not ('3' or '4' or '7' or '8'))
                throw new FormatException($"line {number}: not an HCPCS record (code, sequence number, record id 3/4/7/8 in fixed columns)");
            if (line[10] is '7' or '8') continue;
            var code = line[..5].Trim();
            if (!Level2Code().IsMatch(code)) throw new FormatException($"line {number}: '{code}' is not an HCPCS Level II code (a letter and four digits)");
            var longDescription = Column(line, 12, 91);
            if (line[10] == '4')
            {
                if (current is null || current.Code != code)
                    throw new FormatException($"line {number}: a continuation of {code} without its first line");
                current = current with { Display = current.Display + " " + longDescription };
                continue;
            }
            if (line.Length < FirstLineLength)
                throw new FormatException($"line {number}: the first line of {code} is {line.Length} characters; the record layout needs at least {FirstLineLength}");
            if (current is not null) yield return current;
            current = new CodeSetEntry(code, longDescription, Column(line, 92, 119), Billable: true,
                Effective: Date(line, 269, number, "action effective date") ?? Date(line, 261, number, "added date"),
                Terminated: Date(line, 277, number, "termination date"));
        }
        if (current is not null) yield return current;
    }

    /// <summary>The fiscal year of the quarter a file name states (<c>HCPC2025_OCT_ANWEB.txt</c> → FY2026), or null.</summary>
    public static int? FiscalYearOf(string fileName) => QuarterOf(fileName) is { } quarter ? FiscalYear.Of(quarter) : null;

    /// <summary>The first day of the quarter a file name states (<c>HCPC2025_APR_ANWEB.txt</c> → 2025-04-01): a later quarter of a fiscal year replaces an earlier one.</summary>
    public static DateOnly? QuarterOf(string fileName)
    {
        var match = FileName().Match(Path.GetFileName(fileName));
        if (!match.Success) return null;
        var month = DateTime.ParseExact(match.Groups[2].Value, "MMM", CultureInfo.InvariantCulture).Month;
        return new DateOnly(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), month, 1);
    }

    private static string Column(string line, int from, int to) =>
        line.Length < from ? "" : line[(from - 1)..Math.Min(to, line.Length)].Trim();

    private static DateOnly? Date(string line, int from, int number, string what)
    {
        var text = Column(line, from, from + 7);
        if (text.Length == 0) return null;
        return DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
            : throw new FormatException($"line {number}: the {what} '{text}' (columns {from}–{from + 7}) is not a date (CCYYMMDD)");
    }

    [GeneratedRegex(@"^[A-V]\d{4}$")] private static partial Regex Level2Code();
    [GeneratedRegex(@"^HCPC(\d{4})_(JAN|APR|JUL|OCT)_ANWEB.*\.txt$", RegexOptions.IgnoreCase)] private static partial Regex FileName();
}
