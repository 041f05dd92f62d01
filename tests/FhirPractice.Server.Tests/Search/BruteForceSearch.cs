using System.Globalization;
using System.Text;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirPractice.Server.Tests.Search;

/// <summary>
/// The slow, obvious evaluation of a search, for checking the server: each parameter's R4 FHIRPath
/// expression run by the general Firely engine over every resource in memory (no direct paths, no
/// index, no SQL), its values turned into search atoms and compared by the FHIR matching rules
/// written out plainly here. <c>resolve()</c> answers from the same data set.
/// </summary>
public sealed class BruteForceSearch
{
    private readonly FhirPathCompiler _compiler = FhirPathCompilers.WithFhirFunctions();
    private readonly Dictionary<string, CompiledExpression> _compiled = new(StringComparer.Ordinal);
    private readonly Dictionary<(Resource, string), IReadOnlyList<Atom>> _atoms = new();
    private readonly Dictionary<(string Type, string Id), Resource> _byKey;

    public BruteForceSearch(IReadOnlyList<Resource> resources)
    {
        Resources = resources;
        _byKey = resources.ToDictionary(r => (r.TypeName, r.Id));
    }

    public IReadOnlyList<Resource> Resources { get; }

    public IEnumerable<Resource> OfType(string type) => Resources.Where(r => r.TypeName == type);

    public Resource? Resolve(string type, string id) => _byKey.GetValueOrDefault((type, id));

    /// <summary>What a search value is compared with: one value of the parameter, reduced to its searchable parts.</summary>
    public abstract record Atom;
    public sealed record StringAtom(string Normalized, string Exact) : Atom;
    public sealed record TokenAtom(string? System, string? Code, string? Text) : Atom;
    /// <param name="Relative">Type/id without a base: what chains and _has follow.</param>
    public sealed record ReferenceAtom(string? Type, string? Id, string Url, bool Relative) : Atom;
    public sealed record DateAtom(DateTimeOffset Low, DateTimeOffset High) : Atom;
    public sealed record NumberAtom(decimal Value, string? System, string? Code) : Atom;
    public sealed record UriAtom(string Value) : Atom;

    public IReadOnlyList<Atom> Atoms(Resource resource, SearchParameterInfo p)
    {
        if (_atoms.TryGetValue((resource, p.Code), out var cached)) return cached;
        var atoms = new List<Atom>();
        foreach (var value in Evaluate(resource, p))
            atoms.AddRange(ToAtoms(p.Type, value));
        _atoms[(resource, p.Code)] = atoms;
        return atoms;
    }

    private IEnumerable<Base> Evaluate(Resource resource, SearchParameterInfo p)
    {
        if (p.Code == "_id") return [new Id(resource.Id)];
        if (p.Code == "_lastUpdated") return resource.Meta?.LastUpdatedElement is { } lu ? [lu] : [];
        if (!_compiled.TryGetValue(p.Expression!, out var expr)) _compiled[p.Expression!] = expr = _compiler.Compile(p.Expression!);
        var context = new FhirEvaluationContext { ElementResolver = ResolveReference };
        return expr([resource.ToPocoNode()], context).Select(n => n.Poco).OfType<Base>().ToList();
    }

    /// <summary>resolve(): the resource in the data set, else (a dangling reference) an empty one of the named type, so type tests still work.</summary>
    private PocoNode? ResolveReference(string reference)
    {
        if (Local(reference) is not { } local) return null;
        if (_byKey.TryGetValue(local, out var found)) return found.ToPocoNode();
        return ModelInfo.GetTypeForFhirType(local.Type) is { } t && Activator.CreateInstance(t) is Resource r ? r.ToPocoNode() : null;
    }

    /// <summary>Type/id of a reference whose last two segments are a resource type and an id (relative or absolute).</summary>
    public static (string Type, string Id)? Local(string reference)
    {
        var path = reference.Split("/_history/")[0].Split('/');
        return path.Length >= 2 && ModelInfo.IsKnownResource(path[^2]) && path[^1].Length > 0 ? (path[^2], path[^1]) : null;
    }

    private static IEnumerable<Atom> ToAtoms(SearchParamType type, Base value)
    {
        switch (type)
        {
            case SearchParamType.String:
                var parts = value switch
                {
                    HumanName name => new[] { name.Text, name.Family }.Concat(name.Given).Concat(name.Prefix).Concat(name.Suffix),
                    Address a => new[] { a.Text, a.City, a.District, a.State, a.PostalCode, a.Country }.Concat(a.Line),
                    PrimitiveType p => [p.ToString()],
                    _ => [],
                };
                foreach (var s in parts)
                    if (!string.IsNullOrWhiteSpace(s)) yield return new StringAtom(Normalize(s), s);
                break;
            case SearchParamType.Token:
                switch (value)
                {
                    case Coding c: yield return new TokenAtom(c.System, c.Code, c.Display); break;
                    case CodeableConcept cc:
                        foreach (var c in cc.Coding) yield return new TokenAtom(c.System, c.Code, string.Join("\n", new[] { c.Display, cc.Text }.OfType<string>().Distinct()) is { Length: > 0 } t ? t : null);
                        if (cc.Coding.Count == 0 && cc.Text is not null) yield return new TokenAtom(null, null, cc.Text);
                        break;
                    case Identifier i: yield return new TokenAtom(i.System, i.Value, i.Type?.Text); break;
                    case ContactPoint cp: yield return new TokenAtom(cp.System is { } cs ? cs.ToString().ToLowerInvariant() : null, cp.Value, null); break;
                    case FhirBoolean b when b.Value is bool v: yield return new TokenAtom(null, v ? "true" : "false", null); break;
                    case PrimitiveType p when p.ToString() is { Length: > 0 } s: yield return new TokenAtom(null, s, null); break;
                }
                break;
            case SearchParamType.Reference:
                var reference = value switch
                {
                    ResourceReference r => r.Reference,
                    PrimitiveType p => p.ToString(),
                    _ => null,
                };
                if (!string.IsNullOrEmpty(reference))
                {
                    var local = Local(reference);
                    yield return new ReferenceAtom(local?.Type, local?.Id, reference, local is not null && reference.Split("/_history/")[0].Split('/').Length == 2);
                }
                break;
            case SearchParamType.Date:
                switch (value)
                {
                    case Period p when p.Start is not null || p.End is not null:
                        yield return new DateAtom(p.Start is null ? DateTimeOffset.MinValue : Range(p.Start).Low, p.End is null ? DateTimeOffset.MaxValue : Range(p.End).High);
                        break;
                    case Timing t:
                        foreach (var e in t.Event) if (e is not null) { var r = Range(e); yield return new DateAtom(r.Low, r.High); }
                        break;
                    case PrimitiveType p when p.ToString() is { } s && DateRange.TryParse(s, out var range):
                        yield return new DateAtom(range.Low, range.High);
                        break;
                }
                break;
            case SearchParamType.Number:
                if (value is PrimitiveType n && decimal.TryParse(n.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                    yield return new NumberAtom(d, null, null);
                break;
            case SearchParamType.Quantity:
                if (value is Quantity { Value: decimal qv } q) yield return new NumberAtom(qv, q.System, q.Code);
                else if (value is Money { Value: decimal mv } m) yield return new NumberAtom(mv, "urn:iso:std:iso:4217", m.Currency?.ToString());
                break;
            case SearchParamType.Uri:
                if (value is PrimitiveType u && u.ToString() is { Length: > 0 } us) yield return new UriAtom(us);
                break;
        }
    }

    private static DateRange Range(string s) => DateRange.TryParse(s, out var r) ? r : new DateRange(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    public static string Normalize(string s)
    {
        var sb = new StringBuilder();
        foreach (var ch in s.Normalize(NormalizationForm.FormD))
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark) sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString();
    }
}
