namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// The separators and escape character of one message, as its header declares them: MSH-1 is the field
/// separator, MSH-2 the component, repetition, escape and subcomponent characters in that order, plus
/// the truncation character from v2.7 on when a fifth one is present.
/// </summary>
public sealed record Delimiters(char Field, char Component, char Repetition, char Escape, char Subcomponent, char? Truncation = null)
{
    public static Delimiters Default { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as it is written: the encoding characters.</summary>
    public string EncodingCharacters => Truncation is { } t
        ? new string([Component, Repetition, Escape, Subcomponent, t])
        : new string([Component, Repetition, Escape, Subcomponent]);

    /// <summary>
    /// Reads the delimiters from the start of a header segment (MSH, FHS or BHS): the character after the
    /// id is the field separator, and MSH-2 runs up to the next field separator or the end of the line.
    /// </summary>
    internal static Delimiters ReadFromHeader(string line, int segmentIndex)
    {
        var id = line[..3];
        if (line.Length < 4)
            throw new Er7ParseException("header is too short: no field separator (MSH-1)", segmentIndex, id, 1);
        var field = line[3];
        if (!IsUsableDelimiter(field))
            throw new Er7ParseException($"invalid field separator '{Printable(field)}'", segmentIndex, id, 1);

        var end = line.IndexOf(field, 4);
        var encoding = end < 0 ? line[4..] : line[4..end];
        if (encoding.Length is < 4 or > 5)
            throw new Er7ParseException(
                $"encoding characters (MSH-2) must be 4 or 5 characters, found '{encoding}'", segmentIndex, id, 2);

        var seen = new HashSet<char> { field };
        foreach (var c in encoding)
        {
            if (!IsUsableDelimiter(c))
                throw new Er7ParseException($"invalid encoding character '{Printable(c)}'", segmentIndex, id, 2);
            if (!seen.Add(c))
                throw new Er7ParseException($"encoding character '{c}' is used twice", segmentIndex, id, 2);
        }
        return new Delimiters(field, encoding[0], encoding[1], encoding[2], encoding[3],
            encoding.Length == 5 ? encoding[4] : null);
    }

    // Letters, digits and whitespace would make ordinary text ambiguous; control characters cannot be typed.
    private static bool IsUsableDelimiter(char c) =>
        c is > ' ' and < (char)0x7F && !char.IsAsciiLetterOrDigit(c);

    private static string Printable(char c) => c < ' ' ? $"\\x{(int)c:X2}" : c.ToString();
}
