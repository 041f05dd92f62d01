using System.Globalization;
using System.Text;

namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// HL7 v2 escape sequences (v2.8 chapter 2.7), written with the message's own escape character E.
/// Decoding:
/// <list type="bullet">
/// <item>EFE ESE ETE ERE EEE (and EPE when the message declares a truncation character) become the
/// delimiter they stand for;</item>
/// <item>EXhh…E becomes the text those bytes spell in the message's character set;</item>
/// <item>E.brE becomes "\n"; E.spE and E.sp nE become n line breaks (1 when n is absent, at most 99, so a
/// hostile count cannot blow up memory);</item>
/// <item>EHE and ENE (highlight on/off) are dropped: decoded values are plain text;</item>
/// <item>EZxxE (locally defined), ECxxyyE and EMxxyyzzE (character set switches), other formatting
/// commands (.fi, .in, .ce …), unknown or malformed sequences and an escape character with no closing
/// one are kept verbatim, escape characters included.</item>
/// </list>
/// </summary>
public static class EscapeSequences
{
    private const int MaxSpacing = 99;

    public static string Decode(string raw, Delimiters delimiters, Encoding characterSet)
    {
        var escape = delimiters.Escape;
        var start = raw.IndexOf(escape);
        if (start < 0) return raw;

        var text = new StringBuilder(raw.Length);
        text.Append(raw, 0, start);
        var i = start;
        while (i < raw.Length)
        {
            if (raw[i] != escape)
            {
                text.Append(raw[i++]);
                continue;
            }
            var close = raw.IndexOf(escape, i + 1);
            if (close < 0)
            {
                // No closing escape character: the rest is text, not a sequence (and scanning stops, so this stays linear).
                text.Append(raw, i, raw.Length - i);
                break;
            }
            var sequence = raw.AsSpan(i + 1, close - i - 1);
            if (!TryAppendMeaning(text, sequence, delimiters, characterSet))
                text.Append(raw, i, close - i + 1);
            i = close + 1;
        }
        return text.ToString();
    }

    /// <summary>
    /// Escapes text for an ER7 value: delimiters and the escape character become their sequences, and CR and
    /// LF become EX0DE and EX0AE because a bare one would end the segment.
    /// </summary>
    public static string Encode(string text, Delimiters delimiters)
    {
        var e = delimiters.Escape;
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var code = c == delimiters.Field ? "F"
                : c == delimiters.Component ? "S"
                : c == delimiters.Subcomponent ? "T"
                : c == delimiters.Repetition ? "R"
                : c == e ? "E"
                : c == delimiters.Truncation ? "P"
                : c == '\r' ? "X0D"
                : c == '\n' ? "X0A"
                : null;
            if (code is null) result.Append(c);
            else result.Append(e).Append(code).Append(e);
        }
        return result.ToString();
    }

    private static bool TryAppendMeaning(StringBuilder text, ReadOnlySpan<char> sequence, Delimiters delimiters, Encoding characterSet)
    {
        switch (sequence)
        {
            case "F": text.Append(delimiters.Field); return true;
            case "S": text.Append(delimiters.Component); return true;
            case "T": text.Append(delimiters.Subcomponent); return true;
            case "R": text.Append(delimiters.Repetition); return true;
            case "E": text.Append(delimiters.Escape); return true;
            case "P" when delimiters.Truncation is { } truncation: text.Append(truncation); return true;
            case "H" or "N": return true;
            case ".br": text.Append('\n'); return true;
        }
        if (sequence.StartsWith(".sp")) return TryAppendSpacing(text, sequence[3..]);
        if (sequence.Length > 1 && sequence[0] == 'X') return TryAppendHex(text, sequence[1..], characterSet);
        return false;
    }

    private static bool TryAppendSpacing(StringBuilder text, ReadOnlySpan<char> count)
    {
        count = count.Trim();
        var lines = 1;
        if (!count.IsEmpty && !int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out lines)) return false;
        text.Append('\n', Math.Clamp(lines, 1, MaxSpacing));
        return true;
    }

    private static bool TryAppendHex(StringBuilder text, ReadOnlySpan<char> hex, Encoding characterSet)
    {
        if (hex.Length % 2 != 0) return false;
        var bytes = new byte[hex.Length / 2];
        for (var b = 0; b < bytes.Length; b++)
        {
            if (!byte.TryParse(hex.Slice(b * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[b]))
                return false;
        }
        text.Append(characterSet.GetString(bytes));
        return true;
    }
}
