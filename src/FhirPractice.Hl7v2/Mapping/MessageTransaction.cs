using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping;

/// <summary>
/// The transaction Bundle a message becomes. Every resource gets a stable identity so that a resend or a
/// later update of the same thing rewrites it instead of adding a second one:
/// <list type="bullet">
/// <item>a resource with an identifier from the message (PID-3, PV1-19, SCH-1/2, ORC/OBR order numbers…) is a
/// conditional update <c>PUT Type?identifier=system|value</c>;</item>
/// <item>one the message gives no identifier for (an allergy, a next of kin…) is <c>PUT Type/id</c> with an id
/// derived from what identifies it (the patient's identifier and, say, the allergen code): see <see cref="StableId"/>.</item>
/// </list>
/// Entries refer to each other by their <c>urn:uuid</c> fullUrl, which the engine replaces by the id the
/// conditional update resolves to. (A conditional reference <c>Patient?identifier=…</c> would not do inside the
/// transaction: the engine resolves those against what is stored before the transaction writes, so a patient
/// created by this same message would not be found.) The same target added twice yields one entry.
/// </summary>
internal sealed class MessageTransaction
{
    private readonly Dictionary<string, Bundle.EntryComponent> _byUrl = new(StringComparer.Ordinal);

    public Bundle Bundle { get; } = new() { Type = Bundle.BundleType.Transaction };

    /// <summary>Conditional update: the resource of this type that holds <paramref name="identifier"/>.</summary>
    public ResourceReference PutByIdentifier(Resource resource, Identifier identifier) =>
        Put(resource, $"{resource.TypeName}?identifier={IdentifierToken(identifier)}");

    /// <summary>Conditional create: the resource holding <paramref name="identifier"/> is left as it is when it exists.</summary>
    public ResourceReference CreateIfNoneExist(Resource resource, Identifier identifier)
    {
        var url = $"{resource.TypeName}?identifier={IdentifierToken(identifier)}";
        if (!_byUrl.TryGetValue(url, out var entry))
        {
            entry = new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName, IfNoneExist = url[(url.IndexOf('?') + 1)..] },
            };
            _byUrl[url] = entry;
            Bundle.Entry.Add(entry);
        }
        return new ResourceReference(entry.FullUrl);
    }

    /// <summary>Update of the resource whose id is derived from <paramref name="key"/>.</summary>
    public ResourceReference PutByKey(Resource resource, params string?[] key) =>
        Put(resource, $"{resource.TypeName}/{StableId(resource.TypeName, key)}");

    public ResourceReference Put(Resource resource, string url)
    {
        if (!_byUrl.TryGetValue(url, out var entry))
        {
            entry = new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = url },
            };
            if (!url.Contains('?')) resource.Id = url[(url.IndexOf('/') + 1)..];
            _byUrl[url] = entry;
            Bundle.Entry.Add(entry);
        }
        return new ResourceReference(entry.FullUrl);
    }

    /// <summary>The request url of the entry a reference of this transaction points at: what identifies it across messages.</summary>
    public string? Url(ResourceReference reference) =>
        Bundle.Entry.FirstOrDefault(e => e.FullUrl == reference.Reference)?.Request?.Url ?? reference.Reference;

    /// <summary>The resource of this transaction a reference points at, to add what a later segment says of it.</summary>
    public T Resource<T>(ResourceReference reference) where T : Resource =>
        (T)Bundle.Entry.First(e => e.FullUrl == reference.Reference).Resource!;

    /// <summary>The references to everything written, for Provenance.target.</summary>
    public IEnumerable<ResourceReference> Written => Bundle.Entry.Select(e => new ResourceReference(e.FullUrl));

    /// <summary><c>system|value</c> with the search escapes (\ | , $) and URL encoding, for a conditional URL.</summary>
    public static string IdentifierToken(Identifier identifier)
    {
        static string Escape(string s) => Uri.EscapeDataString(s.Replace("\\", "\\\\").Replace("|", "\\|").Replace(",", "\\,").Replace("$", "\\$"));
        return identifier.System is { } system ? $"{Escape(system)}|{Escape(identifier.Value ?? "")}" : $"|{Escape(identifier.Value ?? "")}";
    }

    /// <summary>
    /// A FHIR id (64 characters at most, [A-Za-z0-9-.]) that is the same for the same type and key: the first
    /// 32 hex digits of SHA-256 over the type and the key's parts, each part length-prefixed so that parts
    /// cannot run into each other.
    /// </summary>
    public static string StableId(string type, IEnumerable<string?> key)
    {
        var text = new StringBuilder(type);
        foreach (var part in key) text.Append('\u001f').Append(part?.Length ?? -1).Append(':').Append(part);
        return "v2-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}
