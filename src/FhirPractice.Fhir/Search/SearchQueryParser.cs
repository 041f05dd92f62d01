using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// Turns URL search parameters into the query model. Parameters the server does not know or
/// cannot apply are returned as <see cref="ParsedSearch.Ignored"/> (lenient handling) or rejected
/// with a 400 when <c>strict</c> is set.
/// </summary>
public sealed class SearchQueryParser
{
    /// <summary>Result parameters and format parameters handled outside the query model.</summary>
    private static readonly HashSet<string> ControlParameters =
        ["_count", "_sort", "_total", "_summary", "_elements", "_format", "_pretty", "_page", "_include", "_revinclude", "_contained", "_containedType"];

    private static readonly string[] Prefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"];

    /// <summary>A FHIR resource id.</summary>
    private static readonly Regex IdPattern = new(@"^[A-Za-z0-9\-.]{1,64}$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    private readonly SearchParameterRegistry _registry;
    private readonly int _defaultCount;
    private readonly int _maxCount;

    public SearchQueryParser(SearchParameterRegistry registry, int defaultCount = 50, int maxCount = 1000, PageCursor? cursors = null)
    {
        _registry = registry;
        _defaultCount = defaultCount;
        _maxCount = maxCount;
        Cursors = cursors ?? new PageCursor();
    }

    /// <summary>Reads and writes the <c>_page</c> cursors of search links.</summary>
    public PageCursor Cursors { get; }

    public ParsedSearch Parse(string? type, IEnumerable<KeyValuePair<string, string>> parameters, bool strict)
    {
        var criteria = new List<SearchCriterion>();
        var criterionParameters = new List<KeyValuePair<string, string>>();
        var applied = new List<KeyValuePair<string, string>>();
        var ignored = new List<(string Name, string Reason)>();
        var count = _defaultCount;
        string? page = null;
        TotalMode? total = null;
        var sort = new List<SortKey>();
        var includes = new List<IncludeParam>();
        string? summary = null;
        IReadOnlyList<string>? elements = null;

        void Ignore(string name, string reason)
        {
            if (strict) throw FhirError.BadRequest($"Search parameter '{name}': {reason}", name);
            ignored.Add((name, reason));
        }

        // _type narrows a system search to some types; with one, the search is that type's, so its own parameters apply.
        var list = parameters.ToList();
        IReadOnlyList<string>? types = null;
        if (type is null && list.Where(p => p.Key == "_type").SelectMany(p => p.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Distinct().ToList() is { Count: > 0 } names)
        {
            if (names.FirstOrDefault(n => !ModelInfo.IsKnownResource(n) || n is "Resource" or "DomainResource") is { } unknown)
                Ignore("_type", $"'{unknown}' is not a resource type");
            else
            {
                types = names;
                applied.Add(new("_type", string.Join(',', names)));
            }
        }
        var searched = types is [var single] ? single : type;

        foreach (var (rawName, value) in list)
        {
            if (rawName == "_type")
            {
                if (type is not null) Ignore(rawName, "_type applies to a system search only");
                continue;
            }
            if (rawName.StartsWith("_include", StringComparison.Ordinal) || rawName.StartsWith("_revinclude", StringComparison.Ordinal))
            {
                var include = ParseInclude(searched, rawName, value, out var includeError);
                if (include is null) { Ignore(rawName, $"{includeError} (in '{value}')"); continue; }
                if (includes.Any(i => i.Name == include.Name && i.Value == include.Value)) continue;
                includes.Add(include);
                applied.Add(new(include.Name, include.Value));
                continue;
            }
            switch (rawName)
            {
                case "_summary":
                    if (value is not ("true" or "text" or "data" or "count" or "false")) { Ignore(rawName, $"'{value}' is not one of true, text, data, count, false"); continue; }
                    summary = value == "false" ? null : value;
                    applied.Add(new(rawName, value));
                    continue;
                case "_elements":
                    elements = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (elements.Count == 0) { elements = null; continue; }
                    applied.Add(new(rawName, string.Join(',', elements)));
                    continue;
                case "_count":
                    if (!int.TryParse(value, out var c) || c < 0) { Ignore(rawName, $"'{value}' is not a non-negative integer"); continue; }
                    count = Math.Min(c, _maxCount);
                    applied.Add(new(rawName, count.ToString()));
                    continue;
                case "_page":
                    page = value;
                    continue;
                case "_total":
                    TotalMode? mode = value switch { "none" => TotalMode.None, "estimate" => TotalMode.Estimate, "accurate" => TotalMode.Accurate, _ => null };
                    if (mode is null) { Ignore(rawName, $"'{value}' is not one of none, estimate, accurate"); continue; }
                    total = mode;
                    applied.Add(new(rawName, value));
                    continue;
                case "_sort":
                    foreach (var key in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var desc = key.StartsWith('-');
                        var code = desc ? key[1..] : key;
                        var param = _registry.Find(searched, code);
                        if (param is null) Ignore(rawName, searched is null ? $"'{code}' is not a common search parameter to sort by" : $"'{code}' is not a search parameter of {searched} to sort by");
                        else if (param.Type is SearchParamType.Composite or SearchParamType.Special) Ignore(rawName, $"{param.Type.ToString().ToLowerInvariant()} parameters such as '{code}' cannot be sorted by");
                        else if (sort.All(s => s.Param.Code != code)) sort.Add(new SortKey(param, desc));
                    }
                    continue;
            }
            if (ControlParameters.Contains(rawName)) continue;

            var budget = MaxChainQueries;
            var criterion = ParseCriterion(searched, rawName, value, 0, ref budget, out var failure);
            if (criterion is null) { Ignore(rawName, failure!.Reason); continue; }
            criteria.Add(criterion);
            criterionParameters.Add(new(rawName, value));
            applied.Add(new(rawName, value));
        }

        if (sort.Count > 0) applied.Add(new("_sort", string.Join(',', sort)));

        // _summary=count: the total alone, whatever _count says; _count=0 asks for the total too, unless _total=none.
        if (summary == "count") count = 0;
        var totalMode = total ?? (count == 0 ? TotalMode.Accurate : TotalMode.None);

        // The cursor is read last: it must fit the _sort, wherever that stands in the query.
        PagePosition? position = null;
        if (page is not null)
        {
            position = Cursors.Decode(page, sort, out var cursorError);
            if (position is null) Ignore("_page", $"{cursorError}; the first page is returned");
        }
        List<SearchClause> clauses = [.. criteria];
        if (types is { Count: > 1 }) clauses.Add(new AnyOfClause([.. types.Select(t => new ResourceClause(t, null))]));
        return new ParsedSearch(new SearchQuery(searched, clauses, count, position, totalMode, sort), applied, ignored)
        {
            Includes = includes,
            CriterionParameters = criterionParameters,
            Summary = summary,
            Elements = elements,
        };
    }

    /// <summary>How many chain hops and _has levels one parameter may nest.</summary>
    public const int MaxChainDepth = 4;

    /// <summary>How many nested queries (one per possible target type and level) one parameter may expand to.</summary>
    public const int MaxChainQueries = 64;

    /// <param name="Unknown">The parameter does not exist on the type (a chain over several target types skips such types).</param>
    private sealed record Failure(string Reason, bool Unknown = false);

    private SearchParameterInfo? Find(string? type, string name, out Failure? failure)
    {
        var param = _registry.Find(type, name);
        failure = param is not null ? null
            : new(type is null ? $"unknown common search parameter '{name}'" : $"unknown search parameter '{name}' for {type}", true);
        return param;
    }

    /// <summary>One parameter on <paramref name="type"/>: plain, chained (<c>a.b</c>) or reverse chained (<c>_has:</c>).</summary>
    private SearchCriterion? ParseCriterion(string? type, string rawName, string value, int depth, ref int budget, out Failure? failure)
    {
        failure = null;
        if (rawName == "_has" || rawName.StartsWith("_has:", StringComparison.Ordinal)) return ParseHas(type, rawName, value, depth, ref budget, out failure);
        var dot = rawName.IndexOf('.');
        if (dot >= 0) return ParseChain(type, rawName[..dot], rawName[(dot + 1)..], value, depth, ref budget, out failure);

        var colon = rawName.IndexOf(':');
        var name = colon < 0 ? rawName : rawName[..colon];
        var modifier = colon < 0 ? null : rawName[(colon + 1)..];
        var param = Find(type, name, out failure);
        if (param is null) return null;
        if (param.Type is SearchParamType.Special) { failure = new($"{param.Type} parameters are not supported yet"); return null; }
        if (param.Type is SearchParamType.Composite && param.Components.Count == 0) { failure = new("this composite parameter's components are not known"); return null; }

        if (modifier == "missing")
        {
            if (value is not ("true" or "false")) { failure = new(":missing takes true or false"); return null; }
            return new SearchCriterion(param, modifier, [new MissingValue(value == "true")]);
        }
        if (modifier is not null && !SupportsModifier(param, modifier))
        {
            failure = new($"modifier ':{modifier}' is not supported on {param.Type.ToString().ToLowerInvariant()} parameters");
            return null;
        }

        var values = new List<SearchValue>();
        string? error = null;
        foreach (var part in SplitOr(value))
        {
            var parsed = param.Type == SearchParamType.Composite ? ParseComposite(param, part, out error) : ParseValue(param.Type, modifier, part, out error);
            if (parsed is null) break;
            values.Add(parsed);
        }
        if (error is not null || values.Count == 0) { failure = new(error ?? "empty value"); return null; }
        return new SearchCriterion(param, modifier, values);
    }

    /// <summary>
    /// <c>reference[:Type].rest</c>: <c>rest</c> applies to each type the reference may point at (the :Type, else the
    /// parameter's targets); target types that lack the chained parameter are left out, and only when none has it is
    /// the parameter unknown.
    /// </summary>
    private SearchCriterion? ParseChain(string? type, string head, string rest, string value, int depth, ref int budget, out Failure? failure)
    {
        failure = null;
        if (depth >= MaxChainDepth) { failure = new($"chained parameters and _has are followed at most {MaxChainDepth} levels deep"); return null; }
        var colon = head.IndexOf(':');
        var name = colon < 0 ? head : head[..colon];
        var targetType = colon < 0 ? null : head[(colon + 1)..];
        var param = Find(type, name, out failure);
        if (param is null) return null;
        if (param.Type != SearchParamType.Reference) { failure = new($"'{name}' is not a reference parameter, so it cannot be chained"); return null; }
        if (targetType is not null)
        {
            if (!ModelInfo.IsKnownResource(targetType)) { failure = new($"'{targetType}' is not a resource type"); return null; }
            if (param.Targets.Count > 0 && !param.Targets.Contains(targetType)) { failure = new($"'{name}' cannot refer to {targetType}"); return null; }
        }
        IReadOnlyList<string> targets = targetType is not null ? [targetType]
            : param.Targets.Where(ModelInfo.IsKnownResource).Distinct().Order(StringComparer.Ordinal).ToList();
        if (targets.Count == 0) { failure = new($"'{name}' may refer to any type: name one as {name}:Type"); return null; }

        var queries = new List<SearchQuery>();
        Failure? unknown = null;
        foreach (var target in targets)
        {
            if (--budget < 0) { failure = new($"the chain reaches too many resource types (more than {MaxChainQueries}): name them with :Type"); return null; }
            var nested = ParseCriterion(target, rest, value, depth + 1, ref budget, out var f);
            if (nested is null)
            {
                if (!f!.Unknown) { failure = f; return null; }
                unknown ??= f;
                continue;
            }
            queries.Add(new SearchQuery(target, [nested], 0));
        }
        if (queries.Count == 0)
        {
            failure = targets.Count == 1 ? unknown : new($"none of the types '{name}' may refer to ({string.Join(", ", targets)}) has the search parameter '{rest}'", true);
            return null;
        }
        return new SearchCriterion(param, targetType, [new ChainValue(queries)]);
    }

    /// <summary><c>_has:Source:reference:rest</c>: a resource of type Source that refers to the searched one under its reference parameter matches rest.</summary>
    private SearchCriterion? ParseHas(string? type, string rawName, string value, int depth, ref int budget, out Failure? failure)
    {
        failure = null;
        var parts = rawName.Split(':', 4);
        if (parts.Length < 4 || parts.Skip(1).Any(p => p.Length == 0)) { failure = new("_has takes the form _has:Type:reference:parameter=value"); return null; }
        if (depth >= MaxChainDepth) { failure = new($"chained parameters and _has are followed at most {MaxChainDepth} levels deep"); return null; }
        var (source, code, rest) = (parts[1], parts[2], parts[3]);
        if (!ModelInfo.IsKnownResource(source)) { failure = new($"'{source}' is not a resource type"); return null; }
        var param = _registry.Find(source, code);
        if (param is null) { failure = new($"unknown search parameter '{code}' for {source}", true); return null; }
        if (param.Type != SearchParamType.Reference) { failure = new($"'{source}:{code}' is not a reference parameter"); return null; }
        if (type is not null && param.Targets.Count > 0 && !param.Targets.Contains(type)) { failure = new($"'{source}:{code}' cannot refer to {type}", true); return null; }
        if (--budget < 0) { failure = new($"the chain reaches too many resource types (more than {MaxChainQueries}): name them with :Type"); return null; }
        var nested = ParseCriterion(source, rest, value, depth + 1, ref budget, out failure);
        return nested is null ? null : new SearchCriterion(param, "_has", [new HasValue(new SearchQuery(source, [nested], 0))]);
    }

    /// <summary>_include[:iterate]=Type:param[:targetType] or *, _revinclude[:iterate]=Type:param or Type:*.</summary>
    private IncludeParam? ParseInclude(string? type, string name, string value, out string? error)
    {
        error = null;
        var reverse = name.StartsWith("_revinclude", StringComparison.Ordinal);
        var modifier = name[(reverse ? "_revinclude" : "_include").Length..];
        if (modifier is not ("" or ":iterate" or ":recurse")) { error = $"unknown modifier '{modifier}' (only :iterate)"; return null; }
        var iterate = modifier.Length > 0;
        if (value == "*")
        {
            if (reverse || type is null) { error = "'*' needs a source type here: use Type:*"; return null; }
            value = type + ":*";
        }
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0)) { error = $"'{value}' is not Type:parameter[:targetType]"; return null; }
        var (source, code, target) = (parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        if (!ModelInfo.IsKnownResource(source)) { error = $"'{source}' is not a resource type"; return null; }
        if (!reverse && !iterate && type is not null && source != type) { error = $"'{source}' is not the searched type {type} (use :iterate to include from included resources)"; return null; }
        if (target is not null && !ModelInfo.IsKnownResource(target)) { error = $"'{target}' is not a resource type"; return null; }

        string[] codes;
        if (code == "*")
        {
            codes = _registry.For(source).Where(p => p.Type == SearchParamType.Reference).Select(p => p.Code).Order(StringComparer.Ordinal).ToArray();
        }
        else
        {
            var param = _registry.Find(source, code);
            if (param is null) { error = $"unknown search parameter '{code}' for {source}"; return null; }
            if (param.Type != SearchParamType.Reference) { error = $"'{source}:{code}' is not a reference parameter"; return null; }
            if (target is not null && param.Targets.Count > 0 && !param.Targets.Contains(target)) { error = $"'{source}:{code}' cannot refer to {target}"; return null; }
            codes = [code];
        }
        return new IncludeParam(reverse, source, code == "*" ? null : code, target, iterate, codes);
    }

    /// <summary>
    /// Whether <paramref name="modifier"/> applies to <paramref name="p"/>; <c>_id</c> is a token kept as the resource's
    /// own id (no system, no display, no hierarchy), so it takes only :not.
    /// </summary>
    public static bool SupportsModifier(SearchParameterInfo p, string modifier) => p.Code == "_id" ? modifier == "not" : (p.Type, modifier) switch
    {
        (SearchParamType.String, "exact" or "contains") => true,
        (SearchParamType.Token, "not" or "text" or "of-type" or "in" or "not-in" or "above" or "below") => true,
        (SearchParamType.Reference, "identifier") => true,
        (SearchParamType.Uri, "below" or "above") => true,
        (SearchParamType.Reference, _) when ModelInfo.IsKnownResource(modifier) => true,
        _ => false,
    };

    /// <summary><c>a$b</c>: one value per component, split on unescaped <c>$</c>, each parsed by its component's type (prefixes included).</summary>
    private static CompositeValue? ParseComposite(SearchParameterInfo p, string escaped, out string? error)
    {
        var parts = SplitUnescaped(escaped, '$').ToList();
        if (parts.Count != p.Components.Count)
        {
            error = $"'{escaped}' has {parts.Count} part(s) but '{p.Code}' takes {p.Components.Count}, separated by '$'";
            return null;
        }
        var values = new List<SearchValue>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Length == 0) { error = $"part {i + 1} of '{escaped}' is empty"; return null; }
            var value = ParseValue(p.Components[i].Type, null, parts[i], out error);
            if (value is null) return null;
            values.Add(value);
        }
        error = null;
        return new CompositeValue(values);
    }

    private static SearchValue? ParseValue(SearchParamType paramType, string? modifier, string escaped, out string? error)
    {
        error = null;
        if (paramType == SearchParamType.Token) return ParseTokenValue(modifier, escaped, out error);
        if (modifier == "identifier") return ParseToken(escaped);
        var raw = Unescape(escaped);
        switch (paramType)
        {
            case SearchParamType.String:
                return new StringValue(modifier == "exact" ? raw : SearchIndexer.Normalize(raw));
            case SearchParamType.Reference:
                if (modifier is not null) return new ReferenceValue(modifier, raw, null);
                var (type, id, url) = ReferenceParts.Split(raw);
                // A bare id (subject=123) names a resource of any type, or a reference written as just that text.
                return type is null && IdPattern.IsMatch(raw) ? new ReferenceValue(null, raw, raw) : new ReferenceValue(type, id, url);
            case SearchParamType.Uri:
                return new UriValue(raw);
            case SearchParamType.Date:
            {
                var (prefix, rest) = SplitPrefix(raw);
                if (DateRange.TryParse(rest, out var range)) return new DateValue(prefix, range);
                error = $"'{raw}' is not a valid date";
                return null;
            }
            case SearchParamType.Number:
            case SearchParamType.Quantity:
            {
                var (prefix, rest) = SplitPrefix(raw);
                var pieces = paramType == SearchParamType.Quantity ? rest.Split('|') : [rest];
                if (!NumberPrecision.TryParse(pieces[0], out var number))
                {
                    error = $"'{raw}' is not a valid {paramType.ToString().ToLowerInvariant()}";
                    return null;
                }
                if (pieces.Length > 3)
                {
                    error = $"'{raw}' is not a quantity: use [prefix]number|system|code";
                    return null;
                }
                var (low, high) = NumberPrecision.Range(pieces[0], number);
                string? system = pieces.Length > 1 && pieces[1].Length > 0 ? pieces[1] : null;
                string? code = pieces.Length > 2 && pieces[2].Length > 0 ? pieces[2] : null;
                // UCUM units are compared in canonical units (5.4 mg finds 5400 ug); other units as written.
                if (system == UcumUnits.System && code is not null && UcumUnits.TryCanonical(code, out var factor, out var canonical))
                    return new NumberValue(prefix, number * factor, low * factor, high * factor, system, canonical) { Canonical = true };
                return new NumberValue(prefix, number, low, high, system, code);
            }
        }
        error = "unsupported parameter type";
        return null;
    }

    private static SearchValue? ParseTokenValue(string? modifier, string escaped, out string? error)
    {
        error = null;
        switch (modifier)
        {
            case "text":
                return new StringValue(SearchIndexer.Normalize(Unescape(escaped)));
            case "of-type":
            {
                // system|code of the identifier's type, then the identifier's value: indexed as the type's code and the value joined by a tab.
                var parts = SplitUnescaped(escaped, '|').Select(Unescape).ToList();
                if (parts.Count != 3 || parts[1].Length == 0 || parts[2].Length == 0)
                {
                    error = $"'{escaped}' is not [system]|code|value (the identifier type's system and code, then the identifier's value)";
                    return null;
                }
                return new TokenValue(parts[0].Length == 0 ? null : parts[0], SearchIndexer.OfTypeCode(parts[1], parts[2]));
            }
            case "in" or "not-in":
                var valueSet = Unescape(escaped);
                if (valueSet.Length == 0) { error = $":{modifier} takes a value set's canonical URL or ValueSet/id"; return null; }
                return new ValueSetValue(valueSet);
            case "above" or "below":
            {
                var token = ParseToken(escaped);
                if (string.IsNullOrEmpty(token.System) || token.Code is null)
                {
                    error = $":{modifier} takes system|code, as the code system defines the hierarchy";
                    return null;
                }
                return new SubsumptionValue(token.System, token.Code, modifier == "below");
            }
            default:
                return ParseToken(escaped);
        }
    }

    private static TokenValue ParseToken(string raw)
    {
        var bar = IndexOfUnescaped(raw, '|');
        if (bar < 0) return new TokenValue(null, Unescape(raw));
        var system = Unescape(raw[..bar]);
        var code = raw[(bar + 1)..];
        return new TokenValue(system, code.Length == 0 ? null : Unescape(code));
    }

    private static (SearchPrefix, string) SplitPrefix(string raw)
    {
        if (raw.Length > 2 && char.IsLetter(raw[0]) && char.IsLetter(raw[1]))
        {
            var index = Array.IndexOf(Prefixes, raw[..2]);
            if (index >= 0) return ((SearchPrefix)index, raw[2..]);
        }
        return (SearchPrefix.Eq, raw);
    }

    /// <summary>Splits on commas that are not escaped with a backslash.</summary>
    private static IEnumerable<string> SplitOr(string value) => SplitUnescaped(value, ',');

    /// <summary>Splits on <paramref name="separator"/> where it is not escaped with a backslash; the parts keep their escapes.</summary>
    private static IEnumerable<string> SplitUnescaped(string value, char separator)
    {
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\') { i++; continue; }
            if (value[i] == separator) { yield return value[start..i]; start = i + 1; }
        }
        yield return value[start..];
    }

    private static int IndexOfUnescaped(string s, char c)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == c) return i;
        }
        return -1;
    }

    private static string Unescape(string s) =>
        s.Contains('\\') ? s.Replace("\\,", ",").Replace("\\|", "|").Replace("\\$", "$").Replace("\\\\", "\\") : s;
}

/// <param name="Applied">What the query used, in order, for the Bundle's self link.</param>
/// <param name="Ignored">Parameters left out, with the reason (reported in the Bundle under lenient handling).</param>
/// <param name="Includes">_include and _revinclude, each once, in the order given.</param>
/// <param name="Summary">true, text, data or count; null for the whole resources.</param>
/// <param name="Elements">_elements: the top-level elements each entry keeps.</param>
public sealed record ParsedSearch(
    SearchQuery Query,
    IReadOnlyList<KeyValuePair<string, string>> Applied,
    IReadOnlyList<(string Name, string Reason)> Ignored)
{
    public IReadOnlyList<IncludeParam> Includes { get; init; } = [];

    /// <summary>The URL parameter (name, value) each of the query's criteria came from, in the same order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CriterionParameters { get; init; } = [];
    public string? Summary { get; init; }
    public IReadOnlyList<string>? Elements { get; init; }
}
