using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// Every search parameter the server supports per resource type: the R4 definitions the Firely SDK
/// carries, plus the common ones defined on Resource that it leaves out, plus the custom ones defined
/// by active SearchParameter resources. Readers never block: they see an immutable snapshot, which a
/// change replaces as a whole; <see cref="Generation"/> tells caches built from the registry that it changed.
/// </summary>
public sealed class SearchParameterRegistry
{
    private static readonly SearchParameterInfo[] CommonParameters =
    [
        new("_id", "Resource", SearchParamType.Token, "Resource.id", "http://hl7.org/fhir/SearchParameter/Resource-id", []),
        new("_lastUpdated", "Resource", SearchParamType.Date, "Resource.meta.lastUpdated", "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated", []),
        new("_tag", "Resource", SearchParamType.Token, "Resource.meta.tag", "http://hl7.org/fhir/SearchParameter/Resource-tag", []),
        new("_profile", "Resource", SearchParamType.Uri, "Resource.meta.profile", "http://hl7.org/fhir/SearchParameter/Resource-profile", []),
        new("_security", "Resource", SearchParamType.Token, "Resource.meta.security", "http://hl7.org/fhir/SearchParameter/Resource-security", []),
        new("_source", "Resource", SearchParamType.Uri, "Resource.meta.source", "http://hl7.org/fhir/SearchParameter/Resource-source", []),
    ];

    /// <summary>Parameters whose value the store keeps in its own columns, so the indexer skips them.</summary>
    public static bool IsStoredAsColumn(string code) => code is "_id" or "_lastUpdated";

    private readonly Dictionary<string, Dictionary<string, SearchParameterInfo>> _builtIn = new(StringComparer.Ordinal);
    private readonly Lock _changeLock = new();
    private volatile Snapshot _current;

    /// <param name="ByType">Per resource type, every parameter by code.</param>
    /// <param name="Custom">The custom parameters by what defined them (<see cref="SearchParameterInfo.DefinedBy"/>).</param>
    private sealed record Snapshot(
        long Generation,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, SearchParameterInfo>> ByType,
        IReadOnlyDictionary<string, IReadOnlyList<SearchParameterInfo>> Custom);

    public SearchParameterRegistry()
    {
        foreach (var type in ModelInfo.SupportedResources)
        {
            var map = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
            foreach (var p in CommonParameters) map[p.Code] = p;
            _builtIn[type] = map;
        }
        var typeByUrl = ModelInfo.SearchParameters.Where(d => d.Url is not null).GroupBy(d => d.Url!).ToDictionary(g => g.Key, g => g.First().Type);
        foreach (var d in ModelInfo.SearchParameters)
        {
            if (d.Resource is null || !_builtIn.TryGetValue(d.Resource, out var map)) continue;
            var code = d.Code ?? d.Name;
            if (code is null || map.ContainsKey(code) || code == "_text") continue;
            map[code] = new SearchParameterInfo(code, d.Resource, d.Type, d.Expression, d.Url,
                d.Target?.Select(t => t.ToString()).ToArray() ?? [])
            {
                Components = Components(d, typeByUrl),
            };
        }
        _current = new Snapshot(0,
            _builtIn.ToDictionary(t => t.Key, t => (IReadOnlyDictionary<string, SearchParameterInfo>)t.Value, StringComparer.Ordinal),
            new Dictionary<string, IReadOnlyList<SearchParameterInfo>>(StringComparer.Ordinal));
    }

    /// <summary>A composite's parts, typed by the definitions they name; none when a part's definition is unknown.</summary>
    private static CompositeComponent[] Components(SearchParamDefinition d, Dictionary<string, SearchParamType> typeByUrl)
    {
        if (d.Type != SearchParamType.Composite || d.Component is not { Length: > 0 } parts) return [];
        var components = new List<CompositeComponent>();
        foreach (var part in parts)
        {
            if (part.Definition is null || part.Expression is null || !typeByUrl.TryGetValue(part.Definition, out var type)) return [];
            components.Add(new CompositeComponent(type, part.Expression));
        }
        return components.ToArray();
    }

    /// <summary>Changes with every change of the custom parameters.</summary>
    public long Generation => _current.Generation;

    public IReadOnlyCollection<SearchParameterInfo> For(string type) =>
        _current.ByType.TryGetValue(type, out var map) ? (IReadOnlyCollection<SearchParameterInfo>)map.Values : [];

    public SearchParameterInfo? Find(string? type, string code)
    {
        if (type is null) return CommonParameters.FirstOrDefault(p => p.Code == code);
        return _current.ByType.TryGetValue(type, out var map) && map.TryGetValue(code, out var p) ? p : null;
    }

    /// <summary>Why <paramref name="parameters"/> cannot be defined by <paramref name="definedBy"/>, or null when they can.</summary>
    public string? ClashOf(string definedBy, IEnumerable<SearchParameterInfo> parameters) => ClashOf(_current, definedBy, parameters);

    private string? ClashOf(Snapshot snapshot, string definedBy, IEnumerable<SearchParameterInfo> parameters)
    {
        foreach (var p in parameters)
        {
            if (_builtIn.TryGetValue(p.Resource, out var builtIn) && builtIn.TryGetValue(p.Code, out var existing))
                return $"'{p.Code}' is already a built-in search parameter of {p.Resource} ({existing.Url})";
            if (snapshot.ByType.TryGetValue(p.Resource, out var map) && map.TryGetValue(p.Code, out existing) && existing.DefinedBy != definedBy)
                return $"'{p.Code}' is already a search parameter of {p.Resource}, defined by {existing.DefinedBy}";
        }
        return null;
    }

    /// <summary>
    /// Makes <paramref name="parameters"/> the custom parameters defined by <paramref name="definedBy"/>, replacing
    /// what it defined before. Returns why not, leaving the registry as it was, when a code is already taken.
    /// </summary>
    public string? Define(string definedBy, IReadOnlyList<SearchParameterInfo> parameters)
    {
        lock (_changeLock)
        {
            var snapshot = _current;
            if (ClashOf(snapshot, definedBy, parameters) is { } clash) return clash;
            var custom = new Dictionary<string, IReadOnlyList<SearchParameterInfo>>(snapshot.Custom, StringComparer.Ordinal)
            {
                [definedBy] = parameters.Select(p => p with { DefinedBy = definedBy }).ToList(),
            };
            Replace(snapshot, custom);
            return null;
        }
    }

    /// <summary>Forgets the custom parameters <paramref name="definedBy"/> defined, if any.</summary>
    public void Remove(string definedBy)
    {
        lock (_changeLock)
        {
            var snapshot = _current;
            if (!snapshot.Custom.ContainsKey(definedBy)) return;
            var custom = new Dictionary<string, IReadOnlyList<SearchParameterInfo>>(snapshot.Custom, StringComparer.Ordinal);
            custom.Remove(definedBy);
            Replace(snapshot, custom);
        }
    }

    /// <summary>A new snapshot: each type's built-in parameters plus the custom ones on it.</summary>
    private void Replace(Snapshot old, Dictionary<string, IReadOnlyList<SearchParameterInfo>> custom)
    {
        var byType = new Dictionary<string, IReadOnlyDictionary<string, SearchParameterInfo>>(StringComparer.Ordinal);
        var customByType = custom.Values.SelectMany(l => l).ToLookup(p => p.Resource);
        foreach (var (type, builtIn) in _builtIn)
        {
            if (!customByType.Contains(type)) { byType[type] = builtIn; continue; }
            var map = new Dictionary<string, SearchParameterInfo>(builtIn, StringComparer.Ordinal);
            foreach (var p in customByType[type]) map[p.Code] = p;
            byType[type] = map;
        }
        _current = new Snapshot(old.Generation + 1, byType, custom);
    }
}
