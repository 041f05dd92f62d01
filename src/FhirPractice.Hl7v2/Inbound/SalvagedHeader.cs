using System.Text;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Inbound;

/// <summary>
/// The MSH of a message that does not parse as a whole, so that it can still be answered with an AR: the
/// first line that starts with MSH, parsed alone, without MSH-18 (the ACK then goes in the default
/// character set, since the declared one may be what is wrong).
/// </summary>
public static class SalvagedHeader
{
    public static Er7Message? Find(ReadOnlySpan<byte> bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var start = text.IndexOf("MSH", StringComparison.Ordinal);
        if (start < 0 || start + 8 > text.Length) return null;
        var end = text.IndexOfAny(['\r', '\n'], start);
        var line = end < 0 ? text[start..] : text[start..end];
        var fields = line.Split(line[3]);
        try
        {
            return Er7Parser.Parse(string.Join(line[3], fields.Take(17)));
        }
        catch (Er7ParseException)
        {
            return null;
        }
    }
}
