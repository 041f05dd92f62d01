using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping;

/// <summary>
/// The practice's reading of coding system names (<see cref="MappingOptions.CodingSystems"/>), applied to every Coding
/// of a mapped transaction: a sender that writes <c>I10</c> for its ICD-10-CM diagnoses (HL7 table 0396 says
/// <c>I10C</c>) gets them as ICD-10-CM, which claims need; <c>99CDM</c> can be the practice's charge master URI.
/// </summary>
internal sealed class CodingSystemOverrides
{
    private readonly Dictionary<string, string> _bySystem;

    public CodingSystemOverrides(IReadOnlyDictionary<string, string> byName)
    {
        foreach (var (name, system) in byName)
            if (!Uri.TryCreate(system, UriKind.Absolute, out _))
                throw new InvalidOperationException($"Hl7v2:CodingSystems:{name}: '{system}' is not an absolute URI");
        _bySystem = byName.ToDictionary(p => Codes.SystemFor(p.Key)!, p => p.Value, StringComparer.Ordinal);
    }

    public void Apply(Bundle transaction)
    {
        if (_bySystem.Count == 0) return;
        foreach (var entry in transaction.Entry)
            if (entry.Resource is { } resource) Rewrite(resource);
    }

    private void Rewrite(Base element)
    {
        if (element is Coding { System: { } system } coding && _bySystem.TryGetValue(system, out var replacement)) coding.System = replacement;
        foreach (var (_, value) in element.EnumerateElements())
            switch (value)
            {
                case Base child: Rewrite(child); break;
                case IEnumerable<Base> children: foreach (var c in children) Rewrite(c); break;
            }
    }
}
