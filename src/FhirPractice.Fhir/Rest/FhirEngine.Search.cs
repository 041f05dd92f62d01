using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public sealed partial class FhirEngine
{
    private async Task<FhirResponse> SearchAsync(FhirRequest r, string? type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct)
    {
        var parsed = _queryParser.Parse(type, parameters, r.StrictHandling);
        var result = await _store.SearchAsync(parsed.Query, ct);
        var self = Link(r.BaseUrl, type, parsed.Applied);
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            Id = ResourcePreparer.NewId(),
            Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow },
            Total = result.Total is long total ? (int)total : null,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = self }],
        };
        if (parsed.Query.After is not null)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "first", Url = Link(r.BaseUrl, type, parsed.Applied) });
        if (result.Next is long next)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Link(r.BaseUrl, type, [.. parsed.Applied, new("_page", next.ToString())]) });
        foreach (var record in result.Matches)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{r.BaseUrl}/{record.Type}/{record.Id}",
                Resource = ResourceSerializer.ParseJson(record.Json.Span),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        if (parsed.Ignored.Count > 0)
        {
            var outcome = new OperationOutcome();
            foreach (var (name, reason) in parsed.Ignored)
                outcome.Issue.Add(new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Warning,
                    Code = OperationOutcome.IssueType.NotSupported,
                    Diagnostics = $"The search parameter '{name}' was ignored: {reason}",
                    Expression = [name],
                });
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = outcome, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome } });
        }
        return new FhirResponse { Resource = bundle };
    }

    private static string Link(string baseUrl, string? type, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var query = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var path = type is null ? baseUrl : $"{baseUrl}/{type}";
        return query.Length == 0 ? path : $"{path}?{query}";
    }
}
