using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// Computes the index entries of a resource: the value of every search parameter of its type,
/// from the parameters' FHIRPath expressions (each compiled once), turned into typed entries.
/// The compiled plan per type is cached until the registry changes (a custom parameter is defined or removed).
/// </summary>
public sealed class SearchIndexer
{
    private readonly SearchParameterRegistry _registry;
    private readonly FhirPathCompiler _compiler = FhirPathCompilers.WithFhirFunctions();
    private volatile Plans _plans;

    /// <summary>The compiled plans of one generation of the registry.</summary>
    private sealed record Plans(long Generation, ConcurrentDictionary<string, (SearchParameterInfo Param, IndexExpression Expr, IndexExpression[] Components)[]> ByType);

    public SearchIndexer(SearchParameterRegistry registry)
    {
        _registry = registry;
        _plans = new Plans(registry.Generation, new());
    }

    /// <summary>The entries of every parameter of the resource's type, or only of the parameters named in <paramref name="only"/>.</summary>
    public IReadOnlyList<IndexEntry> Index(Resource resource, IReadOnlySet<string>? only = null)
    {
        var plans = _plans;
        // Read the generation before building, so a plan built during a change is rebuilt at the next call.
        if (plans.Generation != _registry.Generation) _plans = plans = new Plans(_registry.Generation, new());
        var plan = plans.ByType.GetOrAdd(resource.TypeName, BuildPlan);
        var entries = new List<IndexEntry>(plan.Length * 2);
        foreach (var (param, expr, components) in plan)
        {
            if (only is not null && !only.Contains(param.Code)) continue;
            IEnumerable<Base> values;
            try { values = expr.Evaluate(resource); }
            catch (Exception) { continue; } // an expression the engine cannot evaluate indexes nothing
            foreach (var value in values)
            {
                if (param.Type == SearchParamType.Composite) AddComposite(entries, param, components, resource, value);
                else Add(entries, param.Type, param.Code, value);
            }
        }
        return entries;
    }

    private (SearchParameterInfo, IndexExpression, IndexExpression[])[] BuildPlan(string type)
    {
        var plan = new List<(SearchParameterInfo, IndexExpression, IndexExpression[])>();
        foreach (var p in _registry.For(type))
        {
            if (p.Expression is null || SearchParameterRegistry.IsStoredAsColumn(p.Code) || p.Type == SearchParamType.Special)
                continue;
            // A composite is indexed only when all its parts are of types that are indexed themselves.
            if (p.Type == SearchParamType.Composite && (p.Components.Count == 0 || p.Components.Any(c => c.Type is SearchParamType.Composite or SearchParamType.Special)))
                continue;
            try { plan.Add((p, IndexExpression.Compile(p.Expression, type, _compiler), p.Components.Select(c => IndexExpression.CompileRelative(c.Expression, _compiler)).ToArray())); }
            catch (Exception) { /* an expression the SDK cannot compile is not indexed */ }
        }
        return plan.ToArray();
    }

    private static void Add(List<IndexEntry> entries, SearchParamType type, string code, Base? value)
    {
        switch (type)
        {
            case SearchParamType.String: AddString(entries, code, value); break;
            case SearchParamType.Token: AddToken(entries, code, value); break;
            case SearchParamType.Reference: AddReference(entries, code, value); break;
            case SearchParamType.Date: AddDate(entries, code, value); break;
            case SearchParamType.Number: AddNumber(entries, code, value); break;
            case SearchParamType.Quantity: AddQuantity(entries, code, value); break;
            case SearchParamType.Uri: AddUri(entries, code, value); break;
        }
    }

    /// <summary>One composite entry for <paramref name="element"/>, when each part has at least one value on it.</summary>
    private static void AddComposite(List<IndexEntry> entries, SearchParameterInfo p, IndexExpression[] components, Resource resource, Base element)
    {
        var parts = new IReadOnlyList<IndexEntry>[components.Length];
        for (var i = 0; i < components.Length; i++)
        {
            var part = new List<IndexEntry>();
            try
            {
                foreach (var value in components[i].Evaluate(resource, element))
                    Add(part, p.Components[i].Type, p.Code, value);
            }
            catch (Exception) { return; }
            // A reference part also yields its :identifier token; the composite compares the reference itself.
            part.RemoveAll(e => e.Param != p.Code);
            if (part.Count == 0) return;
            parts[i] = part;
        }
        entries.Add(new CompositeIndexEntry(p.Code, parts));
    }

    private static void AddString(List<IndexEntry> entries, string code, Base? value)
    {
        void Text(string? s)
        {
            if (!string.IsNullOrWhiteSpace(s)) entries.Add(new StringIndexEntry(code, Normalize(s), s));
        }
        switch (value)
        {
            case HumanName n:
                Text(n.Text); Text(n.Family);
                foreach (var g in n.Given) Text(g);
                foreach (var x in n.Prefix) Text(x);
                foreach (var x in n.Suffix) Text(x);
                break;
            case Address a:
                Text(a.Text); Text(a.City); Text(a.District); Text(a.State); Text(a.PostalCode); Text(a.Country);
                foreach (var l in a.Line) Text(l);
                break;
            case PrimitiveType prim: Text(prim.ToString()); break;
        }
    }

    private static void AddToken(List<IndexEntry> entries, string code, Base? value)
    {
        switch (value)
        {
            case Coding c: entries.Add(Token(code, c.System, c.Code, c.Display)); break;
            case CodeableConcept cc:
                foreach (var c in cc.Coding) entries.Add(Token(code, c.System, c.Code, TokenText(c.Display, cc.Text)));
                if (cc.Coding.Count == 0 && cc.Text is not null) entries.Add(Token(code, null, null, cc.Text));
                break;
            case Identifier id:
                entries.Add(Token(code, id.System, id.Value, id.Type?.Text));
                if (id.Value is not null && id.Type is not null)
                    foreach (var t in id.Type.Coding)
                        if (t.Code is { } typeCode) entries.Add(new TokenIndexEntry(code + ":of-type", t.System, OfTypeCode(typeCode, id.Value), null));
                break;
            case ContactPoint cp: entries.Add(new TokenIndexEntry(code, cp.System?.ToString().ToLowerInvariant(), cp.Value, null)); break;
            case FhirBoolean b when b.Value is bool v: entries.Add(new TokenIndexEntry(code, null, v ? "true" : "false", null)); break;
            case PrimitiveType prim when prim.ToString() is { Length: > 0 } s: entries.Add(new TokenIndexEntry(code, null, s, null)); break;
        }
    }

    /// <summary>
    /// What :text searches on a coding of a CodeableConcept: its display and the concept's text, one line each (so a
    /// phrase does not match across the two).
    /// </summary>
    private static string? TokenText(string? display, string? conceptText) =>
        display is null || conceptText is null || display == conceptText ? display ?? conceptText : display + "\n" + conceptText;

    private static TokenIndexEntry Token(string param, string? system, string? code, string? text) =>
        new(param, system, code, text is null ? null : Normalize(text));

    /// <summary>A reference parameter files Reference.identifier under its code with this suffix, for :identifier.</summary>
    private const string IdentifierSuffix = ":identifier";

    /// <summary>The names the entries of a parameter are filed under: its code, and for a reference parameter its :identifier entries too.</summary>
    public static IEnumerable<string> EntryNames(SearchParameterInfo p) =>
        p.Type == SearchParamType.Reference ? [p.Code, p.Code + IdentifierSuffix] : [p.Code];

    private static void AddReference(List<IndexEntry> entries, string code, Base? value)
    {
        switch (value)
        {
            case ResourceReference r:
                if (r.Reference is { } reference)
                {
                    var (type, id, url) = ReferenceParts.Split(reference);
                    entries.Add(new ReferenceIndexEntry(code, type, id, url, null));
                }
                if (r.Identifier is { } ident) entries.Add(new TokenIndexEntry(code + IdentifierSuffix, ident.System, ident.Value, null));
                break;
            case Canonical c when c.Value is { } canonical:
                // Matched by URL (the version apart); one that names Type/id is also found by that, like a literal reference.
                var bar = canonical.IndexOf('|');
                var (targetType, targetId, absolute) = ReferenceParts.Split(bar < 0 ? canonical : canonical[..bar]);
                entries.Add(new ReferenceIndexEntry(code, targetType, targetId, absolute, bar < 0 ? null : canonical[(bar + 1)..]));
                break;
            case PrimitiveType prim when prim.ToString() is { Length: > 0 } s:
                var parts = ReferenceParts.Split(s);
                entries.Add(new ReferenceIndexEntry(code, parts.Type, parts.Id, parts.Url, null));
                break;
        }
    }

    private static void AddDate(List<IndexEntry> entries, string code, Base? value)
    {
        void Range(string? low, string? high)
        {
            DateRange.TryParse(low, out var l);
            DateRange.TryParse(high, out var h);
            if (low is null && high is null) return;
            entries.Add(new DateIndexEntry(code, low is null ? DateTimeOffset.MinValue : l.Low, high is null ? DateTimeOffset.MaxValue : h.High));
        }
        switch (value)
        {
            case Period p: Range(p.Start, p.End); break;
            case Timing t: foreach (var e in t.Event) Range(e, e); break;
            case PrimitiveType prim when prim.ToString() is { } s && DateRange.TryParse(s, out var r):
                entries.Add(new DateIndexEntry(code, r.Low, r.High));
                break;
        }
    }

    private static void AddNumber(List<IndexEntry> entries, string code, Base? value)
    {
        if (value is PrimitiveType prim && decimal.TryParse(prim.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            var (low, high) = NumberPrecision.Range(prim.ToString()!, d);
            entries.Add(new NumberIndexEntry(code, d, low, high));
        }
    }

    private static void AddQuantity(List<IndexEntry> entries, string code, Base? value)
    {
        switch (value)
        {
            case Quantity q when q.Value is decimal v:
                var (low, high) = NumberPrecision.Range(v.ToString(CultureInfo.InvariantCulture), v);
                entries.Add(new QuantityIndexEntry(code, v, low, high, q.System, q.Code, q.Unit));
                // A UCUM quantity is also indexed in canonical units, which UCUM searches compare in.
                if (q.System == UcumUnits.System && q.Code is { } unit && UcumUnits.TryCanonical(unit, out var factor, out var canonical))
                    entries.Add(new QuantityIndexEntry(code, v * factor, low * factor, high * factor, UcumUnits.System, canonical, null) { Canonical = true });
                break;
            case Money m when m.Value is decimal mv:
                entries.Add(new QuantityIndexEntry(code, mv, mv, mv, "urn:iso:std:iso:4217", m.Currency?.ToString(), null));
                break;
        }
    }

    private static void AddUri(List<IndexEntry> entries, string code, Base? value)
    {
        if (value is PrimitiveType prim && prim.ToString() is { Length: > 0 } s) entries.Add(new UriIndexEntry(code, s));
    }

    /// <summary>
    /// What :of-type compares: the identifier type's code and the identifier's value, joined by a tab, which a code
    /// cannot contain — so no two (code, value) pairs give the same text.
    /// </summary>
    public static string OfTypeCode(string typeCode, string value) => typeCode + "\t" + value;

    /// <summary>Lower case without diacritics, as string search compares.</summary>
    public static string Normalize(string s)
    {
        var decomposed = s.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
                sb.Append(char.ToLowerInvariant(ch));
        return sb.ToString();
    }
}
