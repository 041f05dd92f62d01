using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// Value sets and code systems as far as the store holds them — there is no terminology server. A ValueSet expands
/// to its expansion.contains when it has one, else to its compose: includes with listed concepts, or whole
/// CodeSystems held here; excludes with listed concepts. A CodeSystem's nested concepts give :above/:below.
/// Whatever needs more (filters, imported value sets, a missing CodeSystem) fails with the reason.
/// </summary>
public sealed class LocalTerminology(IResourceStore store, SearchParameterRegistry registry)
{
    /// <summary>Most codes one value set or hierarchy may expand to: each becomes a bound SQL value.</summary>
    public const int MaxCodes = 1000;

    /// <param name="Codes">The codes, or null when <paramref name="Failure"/> says why there are none.</param>
    public sealed record Result(IReadOnlyList<TokenValue>? Codes, string? Failure)
    {
        public static Result Fail(string reason) => new(null, reason);
    }

    public async Task<Result> ExpandValueSetAsync(string reference, CancellationToken ct)
    {
        var valueSet = await FindAsync<ValueSet>(reference, ct);
        if (valueSet is null) return Result.Fail($"the value set '{reference}' is not held by this server");
        var codes = new List<TokenValue>();
        if (valueSet.Expansion?.Contains is { Count: > 0 } contains)
        {
            Flatten(contains, codes);
            return Limit(codes, reference);
        }
        if (valueSet.Compose is null) return Result.Fail($"the value set '{reference}' has neither an expansion nor a compose");
        foreach (var include in valueSet.Compose.Include)
        {
            var failure = await IncludeAsync(include, reference, codes, ct);
            if (failure is not null) return Result.Fail(failure);
            if (codes.Count > MaxCodes) break;
        }
        foreach (var exclude in valueSet.Compose.Exclude)
        {
            if (exclude.Concept.Count == 0 || exclude.Filter.Count > 0 || exclude.ValueSet.Any())
                return Result.Fail($"the value set '{reference}' excludes more than listed concepts, which needs a terminology server");
            var excluded = exclude.Concept.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
            codes.RemoveAll(c => c.System == exclude.System && excluded.Contains(c.Code!));
        }
        return Limit(codes.Distinct().ToList(), reference);
    }

    /// <summary>The code with its descendants (<paramref name="below"/>) or its ancestors, by the CodeSystem's nested concepts.</summary>
    public async Task<Result> SubsumptionAsync(string system, string code, bool below, CancellationToken ct)
    {
        var codeSystem = await FindAsync<CodeSystem>(system, ct);
        if (codeSystem is null) return Result.Fail($"the code system '{system}' is not held by this server, so its hierarchy is unknown");
        var path = PathTo(codeSystem.Concept, code);
        // A code the CodeSystem does not define has no relatives, but still matches itself.
        if (path is null) return new([new TokenValue(system, code)], null);
        var codes = new List<TokenValue>();
        if (below) AddAll(system, [path[^1]], codes);
        else codes.AddRange(path.Select(c => new TokenValue(system, c.Code)));
        return Limit(codes, $"{system}|{code}");
    }

    private async Task<string?> IncludeAsync(ValueSet.ConceptSetComponent include, string reference, List<TokenValue> codes, CancellationToken ct)
    {
        if (include.Filter.Count > 0) return $"the value set '{reference}' includes codes by filter, which needs a terminology server";
        if (include.ValueSet.Any()) return $"the value set '{reference}' imports other value sets, which is not expanded locally";
        if (include.System is null) return $"the value set '{reference}' has an include without a system";
        if (include.Concept.Count > 0)
        {
            codes.AddRange(include.Concept.Select(c => new TokenValue(include.System, c.Code)));
            return null;
        }
        var codeSystem = await FindAsync<CodeSystem>(include.System, ct);
        if (codeSystem is null || codeSystem.Content is not (CodeSystemContentMode.Complete or null))
            return $"the value set '{reference}' includes all of '{include.System}', a code system this server does not hold completely";
        AddAll(include.System, codeSystem.Concept, codes);
        return null;
    }

    /// <summary>A conformance resource by canonical URL (<c>url|version</c> allowed) or by local reference (<c>Type/id</c>).</summary>
    private async Task<T?> FindAsync<T>(string reference, CancellationToken ct) where T : Resource
    {
        var type = ModelInfo.GetFhirTypeNameForType(typeof(T))!;
        if (reference.StartsWith(type + "/", StringComparison.Ordinal))
        {
            var record = await store.ReadAsync(type, reference[(type.Length + 1)..], ct);
            return record is null || record.Deleted ? null : ResourceSerializer.ParseTrustedJson(record.Json.Span) as T;
        }
        var bar = reference.IndexOf('|');
        var (url, version) = bar < 0 ? (reference, null) : (reference[..bar], reference[(bar + 1)..]);
        var param = registry.Find(type, "url")!;
        var result = await store.SearchAsync(new SearchQuery(type, [new SearchCriterion(param, null, [new UriValue(url)])], 50), ct);
        var found = result.Matches.Select(m => ResourceSerializer.ParseTrustedJson(m.Json.Span)).OfType<T>()
            .Where(r => version is null || Version(r) == version).ToList();
        // Several versions of one canonical: the most recently stored wins.
        return found.LastOrDefault();
    }

    private static string? Version(Resource r) => r switch { ValueSet v => v.Version, CodeSystem c => c.Version, _ => null };

    private static void Flatten(IEnumerable<ValueSet.ContainsComponent> contains, List<TokenValue> codes)
    {
        foreach (var c in contains)
        {
            if (c.Code is not null && c.Abstract != true) codes.Add(new TokenValue(c.System, c.Code));
            Flatten(c.Contains, codes);
            if (codes.Count > MaxCodes) return;
        }
    }

    private static void AddAll(string system, IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts, List<TokenValue> codes)
    {
        foreach (var c in concepts)
        {
            codes.Add(new TokenValue(system, c.Code));
            AddAll(system, c.Concept, codes);
            if (codes.Count > MaxCodes) return;
        }
    }

    /// <summary>The concepts from the top of the hierarchy down to <paramref name="code"/>, or null when it is not there.</summary>
    private static List<CodeSystem.ConceptDefinitionComponent>? PathTo(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts, string code)
    {
        foreach (var c in concepts)
        {
            if (c.Code == code) return [c];
            if (PathTo(c.Concept, code) is { } below) { below.Insert(0, c); return below; }
        }
        return null;
    }

    private static Result Limit(List<TokenValue> codes, string what) =>
        codes.Count > MaxCodes ? Result.Fail($"'{what}' stands for more than {MaxCodes} codes, more than one search applies") : new(codes, null);
}
