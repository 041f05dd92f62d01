using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public sealed partial class FhirEngine
{
    private async Task<FhirResponse> SearchAsync(FhirRequest r, string? type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct,
        SearchScope? scope = null)
    {
        Demand(r.Caller, type, FhirInteraction.Search);
        var parsed = _queryParser.Parse(type, parameters, r.StrictHandling);
        parsed = await TerminologyCriteria.ResolveAsync(parsed, _terminology, r.StrictHandling, ct);
        var query = scope is null ? parsed.Query : parsed.Query with { Criteria = [.. parsed.Query.Criteria, scope.Clause] };
        query = Constrain(r.Caller, FhirInteraction.Search, query);
        var path = scope?.Path ?? type;
        var result = await _store.SearchAsync(query, ct);
        var (included, cutOff) = await IncludeAsync(r.Caller, parsed.Includes, result.Matches, ct);
        var cursors = _queryParser.Cursors;
        string Page(PagePosition position) => Link(r.BaseUrl, path, [.. parsed.Applied, new("_page", cursors.Encode(position, query.Sort ?? []))]);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            Id = ResourcePreparer.NewId(),
            Meta = new Meta { LastUpdated = _clock.GetUtcNow() },
            Total = result.Total is long total ? (int)total : null,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = query.Position is { } at ? Page(at) : Link(r.BaseUrl, path, parsed.Applied) }],
        };
        // Every link carries its whole position (sort values and row id), so any node can serve it, also after a restart.
        if (query.Position is not null)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "first", Url = Link(r.BaseUrl, path, parsed.Applied) });
        if (result.Previous is { } previous)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = Page(previous) });
        if (result.Next is { } next)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Page(next) });

        // _summary and _elements cut each entry's resource, never the Bundle's own elements; without them the entries
        // stay stored bytes until the answer is written.
        var filter = ResourceSubset.Filter(parsed.Summary, parsed.Elements);
        var searchset = filter is null ? new Searchset(bundle) : null;
        void Add(ResourceRecord record, Bundle.SearchEntryMode mode)
        {
            var fullUrl = $"{r.BaseUrl}/{record.Type}/{record.Id}";
            if (searchset is not null) { searchset.Add(fullUrl, record, mode); return; }
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = fullUrl,
                Resource = ResourceSubset.Apply(ResourceSerializer.ParseTrustedJson(record.Json.Span), filter!),
                Search = new Bundle.SearchComponent { Mode = mode },
            });
        }
        foreach (var record in result.Matches) Add(record, Bundle.SearchEntryMode.Match);
        foreach (var record in included) Add(record, Bundle.SearchEntryMode.Include);

        var outcome = new OperationOutcome();
        foreach (var (name, reason) in parsed.Ignored)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.NotSupported,
                Diagnostics = $"The search parameter '{name}' was ignored: {reason}",
                Expression = [name],
            });
        if (cutOff is not null)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.TooCostly,
                Diagnostics = cutOff,
                Expression = parsed.Includes.Select(i => i.Name).Distinct().ToList(),
            });
        if (outcome.Issue.Count == 0) outcome = null;
        if (searchset is not null)
        {
            searchset.Outcome = outcome;
            return new FhirResponse { Searchset = searchset };
        }
        if (outcome is not null)
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = outcome, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome } });
        return new FhirResponse { Resource = bundle };
    }

    /// <summary>
    /// The resources _include and _revinclude add to a page, each once and never one of the matches.
    /// The first round applies every include to the matches; further rounds apply the :iterate ones to
    /// what the round before added, up to <see cref="FhirEngineOptions.MaxIncludeIterations"/> rounds and
    /// <see cref="FhirEngineOptions.MaxIncludedResources"/> resources. <c>CutOff</c> says why the
    /// result is incomplete, or is null when it is not.
    /// Only what the caller may read is added, and only that is followed further.
    /// </summary>
    private async Task<(List<ResourceRecord> Included, string? CutOff)> IncludeAsync(FhirCaller caller,
        IReadOnlyList<IncludeParam> includes, IReadOnlyList<ResourceRecord> matches, CancellationToken ct)
    {
        var included = new List<ResourceRecord>();
        if (includes.Count == 0 || matches.Count == 0) return (included, null);
        var cap = _options.MaxIncludedResources;
        var seen = matches.Select(m => (m.Type, m.Id)).ToHashSet();
        List<ResourceKey> from = [.. matches.Select(Key)];
        for (var round = 0; from.Count > 0; round++)
        {
            var applicable = includes.Where(i => round == 0 || i.Iterate).ToList();
            if (applicable.Count == 0) break;
            if (round > _options.MaxIncludeIterations)
                return (included, $"_include/_revinclude :iterate stopped after {_options.MaxIncludeIterations} rounds; the included resources may be incomplete");
            var added = new List<ResourceRecord>();
            foreach (var include in applicable)
            {
                var sources = include.Reverse ? from : from.Where(k => k.Type == include.SourceType).ToList();
                if (sources.Count == 0) continue;
                // Room for every resource already seen (the store does not know them) plus one beyond the cap, to tell truncation.
                var limit = cap - included.Count - added.Count + 1 + seen.Count;
                var records = await _store.IncludeAsync(new IncludeQuery(include.Reverse, include.SourceType, include.Params, include.TargetType, sources, limit), ct);
                foreach (var record in records)
                {
                    if (seen.Contains((record.Type, record.Id))) continue;
                    if (included.Count + added.Count == cap)
                    {
                        included.AddRange(await ReadableAsync(caller, added, ct));
                        return (included, $"More than {cap} resources are included; the included resources were truncated to {cap}");
                    }
                    seen.Add((record.Type, record.Id));
                    added.Add(record);
                }
            }
            var readable = await ReadableAsync(caller, added, ct);
            included.AddRange(readable);
            from = [.. readable.Select(Key)];
        }
        return (included, null);
    }

    private static ResourceKey Key(ResourceRecord record) => new(record.Type, record.Id, record.Version);

    private static string Link(string baseUrl, string? path, IEnumerable<KeyValuePair<string, string>> parameters) =>
        WithQuery(path is null ? baseUrl : $"{baseUrl}/{path}", parameters);
}
