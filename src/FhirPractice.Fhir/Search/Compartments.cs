using System.IO.Compression;
using System.Text;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// The R4 compartments (Patient, Encounter, RelatedPerson, Practitioner, Device) as their CompartmentDefinitions
/// in the specification archive of Hl7.Fhir.Specification.Data.R4 state them, read once at first use: which
/// reference parameters put a resource of each type into a compartment. A resource is in the compartment of
/// <c>Patient/123</c> when any of those parameters refers to Patient/123; the focal resource itself is in its own
/// compartment too (the R4 definitions say so with <c>{def}</c> for Encounter, Practitioner and RelatedPerson, and
/// R5 for Patient and Device; we apply it to all five, so <c>Patient/123/*</c> and $everything include the patient).
/// </summary>
public sealed class Compartments
{
    private readonly Lazy<IReadOnlyDictionary<string, Definition>> _definitions;
    private readonly SearchParameterRegistry _registry;

    /// <param name="Url">The CompartmentDefinition's canonical.</param>
    /// <param name="Params">Resource type → the reference parameters that put it into the compartment; types without any are never in it.</param>
    private sealed record Definition(string Url, IReadOnlyDictionary<string, IReadOnlyList<SearchParameterInfo>> Params);

    public Compartments(SearchParameterRegistry registry, string specificationZip)
    {
        _registry = registry;
        _definitions = new Lazy<IReadOnlyDictionary<string, Definition>>(() => Load(specificationZip));
    }

    /// <summary>The compartment types (Patient, Encounter…) with their CompartmentDefinition canonicals.</summary>
    public IEnumerable<(string Type, string Url)> All => _definitions.Value.Select(d => (d.Key, d.Value.Url));

    public bool IsCompartment(string type) => _definitions.Value.ContainsKey(type);

    /// <summary>Whether a resource of <paramref name="resourceType"/> can be in a compartment of <paramref name="compartmentType"/> at all.</summary>
    public bool CanContain(string compartmentType, string resourceType) =>
        resourceType == compartmentType || Get(compartmentType).Params.ContainsKey(resourceType);

    /// <summary>
    /// The clause "in the compartment of <paramref name="compartmentType"/>/<paramref name="id"/>" (of any focal
    /// resource of that type when <paramref name="id"/> is null), for resources of <paramref name="resourceType"/>,
    /// or of every type that can be in it when that is null. A type that cannot be in it gives an empty any-of, which matches nothing.
    /// </summary>
    /// <summary>
    /// The records about the record: the audit trail and the Provenance of each write. Whole-compartment searches
    /// (<c>Patient/1/*</c>, <c>$everything</c>) leave them out unless asked for by type — and every page read adds
    /// AuditEvents to the compartment, so paging through it would never end.
    /// </summary>
    public static readonly IReadOnlySet<string> RecordsAboutRecords = new HashSet<string> { "AuditEvent", "Provenance" };

    /// <param name="resourceType">Only this type's membership; null for every type (but <see cref="RecordsAboutRecords"/>, unless <paramref name="withRecordsAboutRecords"/>).</param>
    public AnyOfClause Membership(string compartmentType, string? id, string? resourceType, bool withRecordsAboutRecords = false)
    {
        var definition = Get(compartmentType);
        var target = new ReferenceValue(compartmentType, id, null);
        var alternatives = new List<SearchClause>();
        if (resourceType is null || resourceType == compartmentType) alternatives.Add(new ResourceClause(compartmentType, id));
        foreach (var (type, parameters) in definition.Params)
            if (resourceType is null ? withRecordsAboutRecords || !RecordsAboutRecords.Contains(type) : resourceType == type)
                alternatives.AddRange(parameters.Select(param => new SearchCriterion(param, null, [target])));
        return new AnyOfClause(alternatives);
    }

    private Definition Get(string compartmentType) =>
        _definitions.Value.TryGetValue(compartmentType, out var d) ? d : throw new ArgumentException($"{compartmentType} is not a compartment", nameof(compartmentType));

    private IReadOnlyDictionary<string, Definition> Load(string specificationZip)
    {
        var result = new Dictionary<string, Definition>(StringComparer.Ordinal);
        foreach (var compartment in ReadDefinitions(specificationZip))
        {
            if (compartment.Code?.ToString() is not { } code || compartment.Url is not { } url) continue;
            var parameters = new Dictionary<string, IReadOnlyList<SearchParameterInfo>>(StringComparer.Ordinal);
            foreach (var resource in compartment.Resource)
            {
                if (resource.Code?.ToString() is not { } type) continue;
                // "{def}" is the focal resource itself, which Membership adds for every compartment.
                var found = resource.Param.OfType<string>().Where(p => p != "{def}")
                    .Select(p => _registry.Find(type, p))
                    .OfType<SearchParameterInfo>()
                    .Where(p => p.Type == SearchParamType.Reference)
                    .ToList();
                if (found.Count > 0) parameters[type] = found;
            }
            result[code] = new Definition(url, parameters);
        }
        if (result.Count == 0) throw new InvalidOperationException($"No CompartmentDefinition found in {specificationZip}");
        return result;
    }

    /// <summary>
    /// The CompartmentDefinitions of the archive's resource definitions: five among thousands of entries, so the
    /// 20 MB file is scanned for their elements as bytes (an XmlReader walk over it takes seconds here) and only
    /// those are parsed, each with the Bundle's FHIR namespace.
    /// </summary>
    private static IEnumerable<CompartmentDefinition> ReadDefinitions(string specificationZip)
    {
        byte[] content;
        using (var zip = ZipFile.OpenRead(specificationZip))
        {
            var entry = zip.GetEntry("profiles-resources.xml") ?? throw new InvalidOperationException($"{specificationZip} has no profiles-resources.xml");
            using var stream = entry.Open();
            using var buffer = new MemoryStream((int)entry.Length);
            stream.CopyTo(buffer);
            content = buffer.ToArray();
        }
        var open = "<CompartmentDefinition>"u8.ToArray();
        var close = "</CompartmentDefinition>"u8.ToArray();
        var rest = content.AsMemory();
        while (rest.Span.IndexOf(open) is var start and >= 0)
        {
            rest = rest[(start + open.Length)..];
            var end = rest.Span.IndexOf(close);
            if (end < 0) break;
            var xml = Encoding.UTF8.GetString(rest.Span[..end]);
            rest = rest[(end + close.Length)..];
            yield return (CompartmentDefinition)ResourceSerializer.ParseXml(
                Encoding.UTF8.GetBytes($"<CompartmentDefinition xmlns=\"http://hl7.org/fhir\">{xml}</CompartmentDefinition>"));
        }
    }
}
