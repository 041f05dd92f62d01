using FhirPractice.Fhir.Rest;
using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>
/// Stored resources for mappings that look things up: answers <c>identifier=system|value</c> and reference
/// searches (any other parameter, value <c>Type/id</c>) over the resources it holds, and records each search.
/// </summary>
public sealed class FakeFhirLookup : IFhirLookup
{
    public List<Resource> Resources { get; } = [];
    public List<string> Searches { get; } = [];

    public System.Threading.Tasks.Task<IReadOnlyList<Resource>> SearchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct = default)
    {
        Searches.Add($"{type}?{string.Join("&", parameters.Select(p => $"{p.Key}={p.Value}"))}");
        IReadOnlyList<Resource> matches = Resources.Where(r => r.TypeName == type && parameters.All(p => Matches(r, p.Key, p.Value))).ToList();
        return System.Threading.Tasks.Task.FromResult(matches);
    }

    private static bool Matches(Resource resource, string name, string value)
    {
        if (name == "identifier")
        {
            var bar = value.IndexOf('|');
            var (system, code) = bar < 0 ? (null, value) : (value[..bar], value[(bar + 1)..]);
            return resource.EnumerateElements().Where(e => e.Key == "identifier")
                .SelectMany(e => e.Value as IEnumerable<Identifier> ?? (e.Value is Identifier one ? [one] : []))
                .Any(i => i.Value == code && (system is null || i.System == system));
        }
        return ReferenceWalker.All(resource).Any(r => r.Reference == value);
    }
}
