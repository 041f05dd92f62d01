using System.Text;

namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// The character sets named in MSH-18 (HL7 table 0211) that this parser reads and writes. A message
/// without MSH-18 is read as UTF-8: the standard's default is ASCII, which UTF-8 contains, and real
/// senders that leave MSH-18 empty often send UTF-8 anyway.
/// </summary>
public static class CharacterSets
{
    // Strict: bytes that are not valid in the named set are an error rather than silently replaced.
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding StrictAscii = Encoding.GetEncoding("us-ascii", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    /// <summary>The encoding for an MSH-18 value; null when the name is not one this parser supports.</summary>
    public static Encoding? FromMsh18(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        null or "" => StrictUtf8,
        "ASCII" => StrictAscii,
        "UNICODE UTF-8" or "UTF-8" => StrictUtf8,
        "8859/1" => Encoding.Latin1,
        _ => null,
    };

    public const string Supported = "ASCII, UNICODE UTF-8, 8859/1";
}
