using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// Every search parameter the server supports per resource type: the R4 definitions the Firely SDK
/// carries, plus the common ones defined on Resource that it leaves out.
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

    private readonly Dictionary<string, Dictionary<string, SearchParameterInfo>> _byType = new(StringComparer.Ordinal);

    public SearchParameterRegistry()
    {
        foreach (var type in ModelInfo.SupportedResources)
        {
            var map = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
            foreach (var p in CommonParameters) map[p.Code] = p;
            _byType[type] = map;
        }
        var typeByUrl = ModelInfo.SearchParameters.Where(d => d.Url is not null).GroupBy(d => d.Url!).ToDictionary(g => g.Key, g => g.First().Type);
        foreach (var d in ModelInfo.SearchParameters)
        {
            if (d.Resource is null || !_byType.TryGetValue(d.Resource, out var map)) continue;
            var code = d.Code ?? d.Name;
            if (code is null || map.ContainsKey(code) || code == "_text") continue;
            map[code] = new SearchParameterInfo(code, d.Resource, d.Type, d.Expression, d.Url,
                d.Target?.Select(t => t.ToString()).ToArray() ?? [])
            {
                Components = Components(d, typeByUrl),
            };
        }
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

    public IReadOnlyCollection<SearchParameterInfo> For(string type) =>
        _byType.TryGetValue(type, out var map) ? map.Values : [];

    public SearchParameterInfo? Find(string? type, string code)
    {
        if (type is null) return CommonParameters.FirstOrDefault(p => p.Code == code);
        return _byType.TryGetValue(type, out var map) && map.TryGetValue(code, out var p) ? p : null;
    }
}
