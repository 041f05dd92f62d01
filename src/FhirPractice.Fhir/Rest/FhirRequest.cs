using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public enum PreferReturn { Representation, Minimal, OperationOutcome }

public enum PatchFormat { None, JsonPatch }

/// <summary>
/// A FHIR interaction as every door hands it to the engine: the HTTP binding, a transaction
/// entry, the HL7 v2 bridge and the CLI all build one of these.
/// </summary>
/// <param name="Path">The path below the FHIR base, without leading slash: "Patient/1/_history/2".</param>
public sealed record FhirRequest(string Method, string Path, IReadOnlyList<KeyValuePair<string, string>> Query)
{
    public ReadOnlyMemory<byte> Body { get; init; }
    /// <summary>The body already parsed (a batch or transaction entry's resource, checked with its Bundle); then Body is not read.</summary>
    public Resource? ParsedBody { get; init; }
    /// <summary>
    /// Set when <see cref="ParsedBody"/> was built from outside data (the HL7 v2 bridge's mapped Bundle): the engine checks
    /// it as strictly as the JSON it would otherwise have parsed (<see cref="ResourceSerializer.CheckStrict"/>).
    /// </summary>
    public bool CheckParsedBody { get; init; }
    /// <summary>
    /// An update (also a transaction's) whose resource is the same as the current version writes nothing: no new version,
    /// so no reindexing, write hooks, Provenance or write AuditEvent; it answers 200 with the current version. For internal
    /// feeds that resend what they said before (an HL7 v2 A08 of an unchanged patient); REST clients always get a new version.
    /// </summary>
    public bool SkipUnchangedUpdates { get; init; }
    /// <summary>
    /// A transaction whose writes are made in the Bundle's order, not the spec's (DELETE, POST, PUT/PATCH); reads still
    /// follow. For the engine's own modules, whose Bundles are built in the order their writes must be checked (a move
    /// cancels the old booking before its new claim): HTTP never sets it, so a client's transaction keeps the spec's order.
    /// </summary>
    public bool KeepsEntryOrder { get; init; }
    public FhirFormat? BodyFormat { get; init; }
    /// <summary>Set when the body is application/json-patch+json.</summary>
    public PatchFormat PatchFormat { get; init; }
    /// <summary>The FHIR base URL the client used, for Location headers and bundle links.</summary>
    public string BaseUrl { get; init; } = "http://localhost/fhir";
    public string? IfMatch { get; init; }
    public string? IfNoneMatch { get; init; }
    public DateTimeOffset? IfModifiedSince { get; init; }
    public string? IfNoneExist { get; init; }
    public PreferReturn Return { get; init; } = PreferReturn.Representation;
    /// <summary>Prefer: handling=strict — unknown search parameters are errors rather than ignored.</summary>
    public bool StrictHandling { get; init; }
    /// <summary>Who is asking; the engine authorises and audits by it.</summary>
    public FhirCaller Caller { get; init; } = FhirCaller.Anonymous;
    /// <summary>The door's id of the request (HTTP: the client's X-Request-Id, else the server's trace id), for the audit trail; batch entries share their Bundle's.</summary>
    public string? RequestId { get; init; }
    /// <summary>
    /// The operation (as the engine handed it to its handler) whose answer is what this request — its one transaction —
    /// writes: the interaction hooks are shown the operation inside that transaction too
    /// (<see cref="InteractionContext.InItsTransaction"/>), so the operation's record commits with its writes and the
    /// single writer does not take a write of its own for it after the answer; a failed operation is still shown after.
    /// </summary>
    public FhirRequest? AnswersOperation { get; init; }
    /// <summary>
    /// Set by an internal door for a transaction it built from a message that it keeps a record of itself (the HL7 v2
    /// bridge: the message store holds the message, its status and ACK, and the transaction writes the message's
    /// Provenance). No client sent that Bundle, so the audit trail records each of its writes but not the Bundle.
    /// </summary>
    public bool BuiltFromKeptMessage { get; init; }
    /// <summary>The engine's record of this interaction for its hooks; set by <see cref="FhirEngine.HandleAsync"/>.</summary>
    internal InteractionTrace? Trace { get; init; }

    public string? QueryValue(string name) => Query.LastOrDefault(q => q.Key == name).Value;

    public static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(string? query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(query)) return result;
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            result.Add(new(name, value));
        }
        return result;
    }
}
