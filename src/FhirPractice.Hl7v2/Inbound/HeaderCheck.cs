using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Inbound;

/// <summary>
/// What makes the bridge refuse a parsed message before mapping it (AR, or CR in enhanced mode): a header
/// field it needs missing, a processing id or version it does not take, an unknown acknowledgment code.
/// The message type is the mapper's to judge.
/// </summary>
public static class HeaderCheck
{
    /// <summary>The versions the parser reads (v2.1 to v2.8.2).</summary>
    public static readonly IReadOnlySet<string> SupportedVersions = new HashSet<string>
        { "2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2" };

    /// <summary>Null when the header is acceptable, else the first problem, for the ERR segment.</summary>
    public static AckError? Find(Er7Message message, InboundOptions options)
    {
        if (message.Get("MSH-9-1") is null)
            return Missing(9, "the message type (MSH-9) is required");
        if (message.Get("MSH-10") is null)
            return Missing(10, "the message control id (MSH-10) is required: it is what duplicates are recognised by");

        var processingId = message.Get("MSH-11-1");
        if (processingId is null) return Missing(11, "the processing id (MSH-11) is required");
        if (!options.AcceptedProcessingIds.Contains(processingId, StringComparer.OrdinalIgnoreCase))
            return new AckError("MSH", 1, 11, "202", "Unsupported processing id",
                Diagnostic: $"processing id '{processingId}' is not accepted here (accepted: {string.Join(", ", options.AcceptedProcessingIds)})");

        var version = message.Get("MSH-12-1");
        if (version is null) return Missing(12, "the version id (MSH-12) is required");
        if (!SupportedVersions.Contains(version))
            return new AckError("MSH", 1, 12, "203", "Unsupported version id",
                Diagnostic: $"version '{version}' is not supported (supported: 2.1 to 2.8.2)");

        foreach (var field in new[] { 15, 16 })
            if (message.Get($"MSH-{field}") is { } code && AcknowledgmentMode.Condition(code) is null)
                return new AckError("MSH", 1, field, "103", "Table value not found",
                    Diagnostic: $"MSH-{field} '{code}' is not an acknowledgment condition (AL, NE, ER or SU)");
        return null;
    }

    private static AckError Missing(int field, string diagnostic) =>
        new("MSH", 1, field, "101", "Required field missing", Diagnostic: diagnostic);
}
