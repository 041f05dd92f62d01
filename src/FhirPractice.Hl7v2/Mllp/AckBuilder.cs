using System.Globalization;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Mllp;

/// <summary>MSA-1 acknowledgment codes (HL7 table 0008): original mode AA/AE/AR, enhanced mode CA/CE/CR.</summary>
public enum AckCode { AA, AE, AR, CA, CE, CR }

/// <summary>
/// Where and what the error is, for the ERR segment. <see cref="Code"/> is from HL7 table 0357
/// (e.g. 100 segment sequence error, 101 required field missing, 102 data type error, 103 table value not
/// found, 200 unsupported message type, 207 application internal error). <see cref="Severity"/> is from
/// table 0516: E error, W warning, I information.
/// </summary>
public sealed record AckError(string? SegmentId = null, int? SegmentSequence = null, int? Field = null,
    string Code = "207", string? CodeText = null, string Severity = "E", string? Diagnostic = null);

/// <summary>
/// Builds the ACK for a received message. Kept out of <see cref="MllpListener"/>: the bridge decides the code.
/// <list type="bullet">
/// <item>MSH: same delimiters and character set as the original; MSH-3/4 (sending application/facility)
/// are the original's MSH-5/6 and MSH-5/6 its MSH-3/4; MSH-7 now; MSH-9 ACK^trigger^ACK; MSH-10 a new
/// control id; MSH-11 and MSH-12 (processing and version id) and MSH-18 copied.</item>
/// <item>MSA: MSA-1 the code, MSA-2 the original MSH-10, MSA-3 the text when given.</item>
/// <item>ERR when an <see cref="AckError"/> is given: ERR-2 location (segment^sequence^field), ERR-3 code
/// (code^text^HL70357), ERR-4 severity, ERR-8 diagnostic; for versions before 2.5 also ERR-1
/// (segment^sequence^field^code&amp;text&amp;HL70357), which later versions withdrew.</item>
/// </list>
/// </summary>
public static class AckBuilder
{
    public static Er7Message Build(Er7Message original, AckCode code, string? text = null, AckError? error = null,
        string? controlId = null, DateTimeOffset? now = null)
    {
        var ack = new Er7Message(original.Delimiters, original.CharacterSet);

        CopyComponents(original, "MSH-5", ack, "MSH-3");
        CopyComponents(original, "MSH-6", ack, "MSH-4");
        CopyComponents(original, "MSH-3", ack, "MSH-5");
        CopyComponents(original, "MSH-4", ack, "MSH-6");
        ack.Set("MSH-7", (now ?? DateTimeOffset.Now).ToString("yyyyMMddHHmmsszzz", CultureInfo.InvariantCulture).Replace(":", ""));
        ack.Set("MSH-9-1", "ACK");
        if (original.Get("MSH-9-2") is { } trigger) ack.Set("MSH-9-2", trigger);
        ack.Set("MSH-9-3", "ACK");
        ack.Set("MSH-10", controlId ?? Guid.NewGuid().ToString("N")[..20]);
        ack.Set("MSH-11", original.Get("MSH-11-1") ?? "P");
        var version = original.Get("MSH-12-1");
        if (version is not null) ack.Set("MSH-12", version);
        if (original.Get("MSH-18") is { } characterSet) ack.Set("MSH-18", characterSet);

        ack.Set("MSA-1", code.ToString());
        ack.Set("MSA-2", original.Get("MSH-10") ?? "");
        if (text is not null) ack.Set("MSA-3", text);

        if (error is not null) AddError(ack, error);
        return ack;
    }

    /// <summary>
    /// Appends an ERR segment for <paramref name="error"/> to <paramref name="ack"/> (a message may carry
    /// several, e.g. warnings beside an AA).
    /// </summary>
    public static void AddError(Er7Message ack, AckError error)
    {
        var err = $"ERR({ack.SegmentsWithId("ERR").Count() + 1})";
        if (IsBefore25(ack.Get("MSH-12-1")))
        {
            SetIf(ack, $"{err}-1-1", error.SegmentId);
            SetIf(ack, $"{err}-1-2", error.SegmentSequence?.ToString(CultureInfo.InvariantCulture));
            SetIf(ack, $"{err}-1-3", error.Field?.ToString(CultureInfo.InvariantCulture));
            ack.Set($"{err}-1-4-1", error.Code);
            SetIf(ack, $"{err}-1-4-2", error.CodeText);
            ack.Set($"{err}-1-4-3", "HL70357");
        }
        SetIf(ack, $"{err}-2-1", error.SegmentId);
        SetIf(ack, $"{err}-2-2", error.SegmentSequence?.ToString(CultureInfo.InvariantCulture) ?? (error.SegmentId is null ? null : "1"));
        SetIf(ack, $"{err}-2-3", error.Field?.ToString(CultureInfo.InvariantCulture));
        ack.Set($"{err}-3-1", error.Code);
        SetIf(ack, $"{err}-3-2", error.CodeText);
        ack.Set($"{err}-3-3", "HL70357");
        ack.Set($"{err}-4", error.Severity);
        SetIf(ack, $"{err}-8", error.Diagnostic);
    }

    // HD has three components; each is copied decoded and re-escaped, so delimiters inside survive.
    private static void CopyComponents(Er7Message from, string fromPath, Er7Message to, string toPath)
    {
        for (var c = 1; c <= 3; c++)
            SetIf(to, $"{toPath}-{c}", from.Get($"{fromPath}-{c}"));
    }

    private static void SetIf(Er7Message message, string path, string? value)
    {
        if (!string.IsNullOrEmpty(value)) message.Set(path, value);
    }

    private static bool IsBefore25(string? version) =>
        version is not null && Version.TryParse(version.Length == 3 ? version + ".0" : version, out var v) && v < new Version(2, 5);
}
