using System.Globalization;
using System.Net;
using System.Text;
using Fhir.Metrics;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Tests;
using FhirPractice.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Xunit.Abstractions;
using static FhirPractice.Server.Tests.Search.BruteForceSearch;

namespace FhirPractice.Server.Tests.Search;

/// <summary>
/// The server's search against a brute-force evaluation (<see cref="BruteForceSearch"/>) over the
/// Synthea bundles and the official R4 examples: for every resource type present and every
/// parameter of the types the indexer handles, queries built from values that really occur — each
/// type's default matching, modifiers, prefixes, :missing, AND of two parameters, chains and _has —
/// must return exactly the resources the brute force finds.
/// </summary>
public sealed class DifferentialSearchTests(SearchCorpusFixture corpus, ITestOutputHelper output) : IClassFixture<SearchCorpusFixture>
{
    /// <summary>A query and what it must find.</summary>
    private sealed record Probe(string Type, string Query, Func<Resource, bool> Matches);

    private static readonly SearchParameterRegistry Registry = new();
    private readonly BruteForceSearch _brute = new(corpus.Resources);
    private readonly Random _random = new(2026);

    [CorpusFact(SearchCorpusFixture.SyntheaFolder)]
    public async Task Every_query_finds_what_brute_force_finds()
    {
        var probes = Probes().ToList();
        var failures = new List<string>();
        foreach (var probe in probes)
        {
            var expected = _brute.OfType(probe.Type).Where(probe.Matches).Select(r => r.Id).ToHashSet();
            if (expected.Count > CompareIdsUpTo)
            {
                // Broad results: the count says enough, and costs one small response instead of pages of entries.
                var (countStatus, total) = await CountAsync($"{probe.Type}?{probe.Query}");
                if (countStatus != HttpStatusCode.OK) failures.Add($"{probe.Type}?{probe.Query}: HTTP {(int)countStatus}");
                else if (total != expected.Count) failures.Add($"{probe.Type}?{probe.Query}: expected {expected.Count}, total {total}");
                continue;
            }
            var (status, actual) = await SearchIdsAsync($"{probe.Type}?{probe.Query}");
            if (status != HttpStatusCode.OK) { failures.Add($"{probe.Type}?{probe.Query}: HTTP {(int)status}"); continue; }
            if (expected.SetEquals(actual)) continue;
            failures.Add($"{probe.Type}?{probe.Query}: missing [{string.Join(", ", expected.Except(actual).Take(5))}] extra [{string.Join(", ", actual.Except(expected).Take(5))}] (expected {expected.Count}, got {actual.Count})");
        }
        output.WriteLine($"{probes.Count} queries over {corpus.Resources.Count} resources; {failures.Count} differ");
        foreach (var f in failures) output.WriteLine(f);
        Assert.True(probes.Count > 1000, $"only {probes.Count} queries were generated");
        Assert.True(failures.Count == 0, $"{failures.Count} of {probes.Count} queries differ from brute force:\n{string.Join("\n", failures.Take(30))}");
    }

    /// <summary>Results larger than this are compared by count only.</summary>
    private const int CompareIdsUpTo = 200;

    private async Task<(HttpStatusCode, int?)> CountAsync(string url)
    {
        var response = await corpus.Server.Client.SendAsync(HttpMethod.Get, url + "&_summary=count", null, ("Prefer", "handling=strict"));
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, null);
        return (HttpStatusCode.OK, ((Bundle)ResourceSerializer.ParseTrustedJson(await response.Content.ReadAsByteArrayAsync())).Total);
    }

    private async Task<(HttpStatusCode, HashSet<string>)> SearchIdsAsync(string url)
    {
        var ids = new HashSet<string>();
        for (string? next = url + $"&_count={CompareIdsUpTo}&_elements=id"; next is not null;)
        {
            var response = await corpus.Server.Client.SendAsync(HttpMethod.Get, next, null, ("Prefer", "handling=strict"));
            if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, ids);
            var bundle = (Bundle)ResourceSerializer.ParseTrustedJson(await response.Content.ReadAsByteArrayAsync());
            foreach (var e in bundle.Entry.Where(e => e.Search?.Mode == Bundle.SearchEntryMode.Match)) ids.Add(e.Resource.Id);
            next = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }
        return (HttpStatusCode.OK, ids);
    }

    private IEnumerable<Probe> Probes()
    {
        foreach (var type in _brute.Resources.Select(r => r.TypeName).Distinct().Order(StringComparer.Ordinal))
        {
            var resources = _brute.OfType(type).ToList();
            var parameters = Registry.For(type).Where(Indexed).OrderBy(p => p.Code, StringComparer.Ordinal).ToList();
            foreach (var p in parameters)
            {
                yield return new Probe(type, $"{p.Code}:missing=true", r => _brute.Atoms(r, p).Count == 0);
                yield return new Probe(type, $"{p.Code}:missing=false", r => _brute.Atoms(r, p).Count > 0);
                var withValues = resources.Where(r => _brute.Atoms(r, p).Count > 0).ToList();
                if (withValues.Count > 0)
                    foreach (var probe in ValueProbes(type, p, p.Code, Pick(_brute.Atoms(Pick(withValues), p)))) yield return probe;
            }
            foreach (var probe in AndProbes(type, resources, parameters)) yield return probe;
            foreach (var probe in ChainProbes(type, resources, parameters)) yield return probe;
        }
    }

    private static bool Indexed(SearchParameterInfo p) =>
        p.Expression is not null && p.Type is not (SearchParamType.Composite or SearchParamType.Special);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>Queries on one value of one parameter, with what each must match; <paramref name="name"/> may be a chain prefix plus the code.</summary>
    private IEnumerable<Probe> ValueProbes(string type, SearchParameterInfo p, string name, Atom atom)
    {
        IReadOnlyList<Atom> Of(Resource r) => _brute.Atoms(r, p);
        Probe Make(string modifierAndValue, Func<Resource, bool> matches) => new(type, name + modifierAndValue, matches);
        switch (atom)
        {
            case StringAtom s:
            {
                var prefix = s.Normalized[..Math.Min(4, s.Normalized.Length)];
                yield return Make("=" + Value(prefix), r => Of(r).OfType<StringAtom>().Any(a => a.Normalized.StartsWith(prefix, StringComparison.Ordinal)));
                yield return Make(":exact=" + Value(s.Exact), r => Of(r).OfType<StringAtom>().Any(a => a.Exact == s.Exact));
                if (s.Normalized.Length > 3)
                {
                    var middle = s.Normalized[1..^1];
                    yield return Make(":contains=" + Value(middle), r => Of(r).OfType<StringAtom>().Any(a => a.Normalized.Contains(middle, StringComparison.Ordinal)));
                }
                break;
            }
            case TokenAtom { Code: { Length: > 0 } code } t:
            {
                yield return Make("=" + Value(code), r => Of(r).OfType<TokenAtom>().Any(a => a.Code == code));
                if (!string.IsNullOrEmpty(t.System))
                {
                    bool Both(Resource r) => Of(r).OfType<TokenAtom>().Any(a => a.System == t.System && a.Code == code);
                    yield return Make("=" + Value(t.System) + "|" + Value(code), Both);
                    yield return Make(":not=" + Value(t.System) + "|" + Value(code), r => !Both(r));
                    yield return Make("=" + Value(t.System) + "|", r => Of(r).OfType<TokenAtom>().Any(a => a.System == t.System));
                }
                else
                {
                    yield return Make("=|" + Value(code), r => Of(r).OfType<TokenAtom>().Any(a => string.IsNullOrEmpty(a.System) && a.Code == code));
                }
                if (t.Text is { Length: > 2 } text)
                {
                    var word = Normalize(text).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0];
                    yield return Make(":text=" + Value(word), r => Of(r).OfType<TokenAtom>().Any(a => a.Text is not null && Normalize(a.Text).Contains(word, StringComparison.Ordinal)));
                }
                break;
            }
            case ReferenceAtom { Type: { } target, Id: { } id }:
                yield return Make("=" + Value($"{target}/{id}"), r => Of(r).OfType<ReferenceAtom>().Any(a => a.Type == target && a.Id == id));
                break;
            case ReferenceAtom { Type: null } u when !u.Url.Contains('|'):
                yield return Make("=" + Value(u.Url), r => Of(r).OfType<ReferenceAtom>().Any(a => a.Url.Split('|')[0] == u.Url));
                break;
            case DateAtom d when d.Low != DateTimeOffset.MinValue:
            {
                var day = d.Low.UtcDateTime.Date;
                var text = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var (lo, hi) = (new DateTimeOffset(day, TimeSpan.Zero), new DateTimeOffset(day.AddDays(1), TimeSpan.Zero));
                bool Any(Resource r, Func<DateAtom, bool> test) => Of(r).OfType<DateAtom>().Any(test);
                // The range rules: eq = the value lies within the day; ge = some of it is on or after the day's start;
                // lt = some of it is before the day; sa = all of it after; ap = it overlaps the day.
                yield return Make("=" + text, r => Any(r, a => a.Low >= lo && a.High <= hi));
                yield return Make("=ge" + text, r => Any(r, a => a.High > lo));
                yield return Make("=lt" + text, r => Any(r, a => a.Low < lo));
                yield return Make("=sa" + text, r => Any(r, a => a.Low >= hi));
                yield return Make("=ap" + text, r => Any(r, a => a.Low < hi && a.High > lo));
                break;
            }
            case NumberAtom n when p.Type == SearchParamType.Quantity && Canonical(n.Value, n.System, n.Code) is var (_, canonicalUnit):
            {
                // A UCUM unit compares in canonical units: 14 g/dL is more than 72.9 mg/dL.
                var text = n.Value.ToString(CultureInfo.InvariantCulture);
                var (lo, hi) = NumberPrecision.Range(text, n.Value);
                var factor = Canonical(1m, n.System, n.Code)!.Value.Value;
                IEnumerable<decimal> Values(Resource r) => Of(r).OfType<NumberAtom>()
                    .Select(a => Canonical(a.Value, a.System, a.Code)).Where(c => c?.Unit == canonicalUnit).Select(c => c!.Value.Value);
                var unit = $"|{Value(n.System!)}|{Value(n.Code!)}";
                yield return Make("=" + text + unit, r => Values(r).Any(v => v >= lo * factor && v < hi * factor));
                yield return Make("=gt" + text + unit, r => Values(r).Any(v => v > n.Value * factor));
                yield return Make("=le" + text + unit, r => Values(r).Any(v => v <= n.Value * factor));
                break;
            }
            case NumberAtom n:
            {
                var text = n.Value.ToString(CultureInfo.InvariantCulture);
                var (lo, hi) = NumberPrecision.Range(text, n.Value);
                bool Unit(NumberAtom a) => n.System is null || (a.System == n.System && a.Code == n.Code);
                var unit = p.Type == SearchParamType.Quantity && n.System is not null && n.Code is not null ? $"|{Value(n.System)}|{Value(n.Code)}" : "";
                yield return Make("=" + text + unit, r => Of(r).OfType<NumberAtom>().Any(a => a.Value >= lo && a.Value < hi && (unit == "" || Unit(a))));
                yield return Make("=gt" + text + unit, r => Of(r).OfType<NumberAtom>().Any(a => a.Value > n.Value && (unit == "" || Unit(a))));
                yield return Make("=le" + text + unit, r => Of(r).OfType<NumberAtom>().Any(a => a.Value <= n.Value && (unit == "" || Unit(a))));
                break;
            }
            case UriAtom u:
                yield return Make("=" + Value(u.Value), r => Of(r).OfType<UriAtom>().Any(a => a.Value == u.Value));
                break;
        }
    }

    /// <summary>Two parameters together (AND), with values taken from one resource so that something matches.</summary>
    private IEnumerable<Probe> AndProbes(string type, List<Resource> resources, List<SearchParameterInfo> parameters)
    {
        for (var i = 0; i < 3 && resources.Count > 0; i++)
        {
            var resource = Pick(resources);
            var usable = parameters.Where(p => p.Code != "_lastUpdated" && _brute.Atoms(resource, p).Count > 0).ToList();
            if (usable.Count < 2) yield break;
            var (first, second) = (Pick(usable), Pick(usable));
            if (first == second) continue;
            var a = ValueProbes(type, first, first.Code, Pick(_brute.Atoms(resource, first))).FirstOrDefault();
            var b = ValueProbes(type, second, second.Code, Pick(_brute.Atoms(resource, second))).FirstOrDefault();
            if (a is null || b is null) continue;
            yield return new Probe(type, a.Query + "&" + b.Query, r => a.Matches(r) && b.Matches(r));
        }
    }

    /// <summary>
    /// A chain (<c>ref:Target.param=value</c>) and a reverse chain (<c>_has:Type:ref:param=value</c>) over references
    /// that resolve in the data; both follow relative type/id references only.
    /// </summary>
    private IEnumerable<Probe> ChainProbes(string type, List<Resource> resources, List<SearchParameterInfo> parameters)
    {
        foreach (var reference in parameters.Where(p => p.Type == SearchParamType.Reference && p.Code[0] != '_'))
        {
            var links = resources
                .SelectMany(r => _brute.Atoms(r, reference).OfType<ReferenceAtom>().Where(a => a.Relative).Select(a => (Source: r, Target: _brute.Resolve(a.Type!, a.Id!))))
                .Where(l => l.Target is not null && Registry.Find(type, reference.Code)!.Targets.Contains(l.Target.TypeName))
                .ToList();
            if (links.Count == 0) continue;
            var (source, target) = Pick(links);
            var targetParams = Registry.For(target!.TypeName)
                .Where(p => p.Type is SearchParamType.String or SearchParamType.Token && Indexed(p) && p.Code[0] != '_' && _brute.Atoms(target, p).Count > 0)
                .ToList();
            if (targetParams.Count == 0) continue;
            var chained = Pick(targetParams);
            var inner = ValueProbes(target.TypeName, chained, chained.Code, Pick(_brute.Atoms(target, chained))).FirstOrDefault();
            if (inner is null) continue;
            var targetType = target.TypeName;
            yield return new Probe(type, $"{reference.Code}:{targetType}.{inner.Query}", r =>
                _brute.Atoms(r, reference).OfType<ReferenceAtom>().Any(a => a.Relative && a.Type == targetType && _brute.Resolve(targetType, a.Id!) is { } t && inner.Matches(t)));

            // The same link read backwards: targets referred to by a source that matches.
            var sourceParams = Registry.For(type)
                .Where(p => p.Type is SearchParamType.String or SearchParamType.Token && Indexed(p) && p.Code[0] != '_' && _brute.Atoms(source, p).Count > 0)
                .ToList();
            if (sourceParams.Count == 0) continue;
            var condition = Pick(sourceParams);
            var onSource = ValueProbes(type, condition, condition.Code, Pick(_brute.Atoms(source, condition))).FirstOrDefault();
            if (onSource is null) continue;
            yield return new Probe(targetType, $"_has:{type}:{reference.Code}:{onSource.Query}", t =>
                _brute.OfType(type).Any(s => onSource.Matches(s) &&
                    _brute.Atoms(s, reference).OfType<ReferenceAtom>().Any(a => a.Relative && a.Type == targetType && a.Id == t.Id)));
        }
    }

    /// <summary>A UCUM quantity in canonical units, by Fhir.Metrics; null for other systems, unknown units and units with an annotation.</summary>
    private static (decimal Value, string Unit)? Canonical(decimal value, string? system, string? code)
    {
        if (system != "http://unitsofmeasure.org" || code is null || code.Contains('{')) return null;
        try
        {
            return FhirMetricService.Instance.Value.TryCanonicalize((value, code, system), out var c) && c is var (v, u, _)
                ? (v, u.Length == 0 ? "1" : u) : null;
        }
        catch (Exception) { return null; }
    }

    /// <summary>A search value escaped (\ , | $) and URL-encoded.</summary>
    private static string Value(string raw)
    {
        var escaped = new StringBuilder();
        foreach (var c in raw)
        {
            if (c is '\\' or ',' or '|' or '$') escaped.Append('\\');
            escaped.Append(c);
        }
        return Uri.EscapeDataString(escaped.ToString());
    }
}
