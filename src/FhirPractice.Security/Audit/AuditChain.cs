using System.Security.Cryptography;
using System.Text;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>An AuditEvent ready to be appended: indexed and serialised with placeholders (meta, chain fields, and for one built before its write's transaction, <see cref="WritePlaceholders"/>).</summary>
public sealed record PreparedAuditEvent(string Id, byte[] Template, IReadOnlyList<IndexEntry> Index)
{
    /// <summary>The event with its write's version and instant in place of <see cref="WritePlaceholders"/>.</summary>
    public PreparedAuditEvent Filled(long version, DateTimeOffset instant)
    {
        var (json, index) = WritePlaceholders.Fill(Template, Index, version, instant, WritePlaceholders.Activity);
        return this with { Template = json, Index = index };
    }
}

/// <summary>The chain fields read back from a stored AuditEvent.</summary>
/// <param name="Intact">Whether the stored bytes still hash to <see cref="Hash"/>.</param>
public sealed record ChainFields(long Sequence, string Previous, string Hash, bool Intact);

/// <summary>
/// The audit trail's hash chain (docs/adr/0010). Every AuditEvent the server records carries three extensions: its
/// sequence number, the hash of its predecessor and its own hash, a SHA-256 over its canonical bytes — the stored
/// JSON exactly as written, with its own hash's value replaced by the placeholder (32 zero bytes in base64). The
/// predecessor's hash is inside those bytes, so each event seals the whole chain before it. Appending happens inside
/// a store write transaction, where the chain's head (<see cref="ChainLink"/>) is read and moved: the single writer
/// orders the chain, and a rolled-back write takes its link with it.
/// </summary>
public sealed class AuditChain(SearchIndexer indexer)
{
    public const string Name = "audit";
    public const string SequenceUrl = "http://fhirpractice.org/fhir/StructureDefinition/audit-chain-sequence";
    public const string PreviousUrl = "http://fhirpractice.org/fhir/StructureDefinition/audit-chain-previous";
    public const string HashUrl = "http://fhirpractice.org/fhir/StructureDefinition/audit-chain-hash";
    /// <summary>The predecessor of the first event, and the placeholder of a hash not yet known.</summary>
    public static readonly string Zero = Convert.ToBase64String(new byte[32]);
    private const string SequencePlaceholder = "0";
    private static readonly byte[] UrlStem = Encoding.UTF8.GetBytes("http://fhirpractice.org/fhir/StructureDefinition/audit-chain-");

    /// <summary>Adds the chain fields as placeholders, then indexes and serialises (the expensive part, done before the transaction where it can be).</summary>
    public PreparedAuditEvent Prepare(AuditEvent auditEvent)
    {
        auditEvent.Id ??= ResourcePreparer.NewId();
        auditEvent.Extension.RemoveAll(e => e.Url is SequenceUrl or PreviousUrl or HashUrl);
        auditEvent.Extension.Add(new Extension(SequenceUrl, new FhirString(SequencePlaceholder)));
        auditEvent.Extension.Add(new Extension(PreviousUrl, new Base64Binary(new byte[32])));
        auditEvent.Extension.Add(new Extension(HashUrl, new Base64Binary(new byte[32])));
        MetaStamp.SetPlaceholders(auditEvent);
        return new PreparedAuditEvent(auditEvent.Id, ResourceSerializer.ToJsonBytes(auditEvent), indexer.Index(auditEvent));
    }

    /// <summary>
    /// Links the events in turn to the chain's head and writes them; call inside a write transaction. The head is read
    /// and saved once for them all: the single writer's time goes on each row it writes.
    /// </summary>
    public void Append(IStoreTransaction tx, IReadOnlyList<PreparedAuditEvent> events)
    {
        if (events.Count == 0) return;
        var head = tx.ReadChainHead(Name) ?? new ChainLink(0, Zero);
        foreach (var prepared in events) head = Link(tx, prepared, head);
        tx.SaveChainHead(Name, head);
    }

    private static ChainLink Link(IStoreTransaction tx, PreparedAuditEvent prepared, ChainLink head)
    {
        var sequence = head.Sequence + 1;
        var bytes = MetaStamp.Stamp(prepared.Template, 1, tx.Timestamp);
        bytes = Replace(bytes, SequenceUrl, "valueString", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        bytes = Replace(bytes, PreviousUrl, "valueBase64Binary", head.Hash);
        var hash = Convert.ToBase64String(SHA256.HashData(bytes));
        bytes = Replace(bytes, HashUrl, "valueBase64Binary", hash);
        tx.Write(new ResourceWrite("AuditEvent", prepared.Id, 1, tx.Timestamp, "POST", bytes, prepared.Index));
        return new ChainLink(sequence, hash);
    }

    /// <summary>Whether stored JSON carries any chain field (a client may not write them).</summary>
    public static bool MentionsChain(ReadOnlySpan<byte> json) => json.IndexOf(UrlStem) >= 0;

    /// <summary>The chain fields of a stored AuditEvent and whether its bytes are intact; null when it has none (not recorded by this server's chain) or they are malformed.</summary>
    public static ChainFields? Read(ReadOnlySpan<byte> json)
    {
        if (Value(json, SequenceUrl, "valueString") is not { } sequenceSpan ||
            Value(json, PreviousUrl, "valueBase64Binary") is not { } previousSpan ||
            Value(json, HashUrl, "valueBase64Binary") is not { } hashSpan ||
            !long.TryParse(json.Slice(sequenceSpan.Start, sequenceSpan.Length), out var sequence))
            return null;
        var hash = Encoding.UTF8.GetString(json.Slice(hashSpan.Start, hashSpan.Length));
        var canonical = Replace(json.ToArray(), HashUrl, "valueBase64Binary", Zero);
        var intact = Convert.ToBase64String(SHA256.HashData(canonical)) == hash;
        return new ChainFields(sequence, Encoding.UTF8.GetString(json.Slice(previousSpan.Start, previousSpan.Length)), hash, intact);
    }

    /// <summary>Where the value of the one extension with this URL is: its JSON is <c>{"url":"…","valueX":"…"}</c>, as the SDK writes it.</summary>
    private static (int Start, int Length)? Value(ReadOnlySpan<byte> json, string url, string valueKey)
    {
        var pattern = Encoding.UTF8.GetBytes($"{{\"url\":\"{url}\",\"{valueKey}\":\"");
        var at = json.IndexOf(pattern);
        if (at < 0 || json[(at + pattern.Length)..].IndexOf(pattern) >= 0) return null;
        var start = at + pattern.Length;
        var length = json[start..].IndexOf((byte)'"');
        return length < 0 ? null : (start, length);
    }

    private static byte[] Replace(byte[] json, string url, string valueKey, string value)
    {
        var (start, length) = Value(json, url, valueKey) ?? throw new InvalidOperationException($"The AuditEvent has no single {url} extension");
        var replacement = Encoding.UTF8.GetBytes(value);
        var result = new byte[json.Length - length + replacement.Length];
        json.AsSpan(0, start).CopyTo(result);
        replacement.CopyTo(result, start);
        json.AsSpan(start + length).CopyTo(result.AsSpan(start + replacement.Length));
        return result;
    }
}
