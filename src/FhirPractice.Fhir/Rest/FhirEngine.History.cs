using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public sealed partial class FhirEngine
{
    private async Task<FhirResponse> HistoryAsync(FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        // A history page lists versions, not current resources: a confined caller sees the history of a resource it
        // reaches, never of a whole type or of the server.
        if (id is not null)
        {
            Demand(r.Caller, type, FhirInteraction.InstanceHistory);
            await EnsureVisibleAsync(r.Caller, FhirInteraction.InstanceHistory, type!, id, ct);
        }
        else DemandUnconfined(r.Caller, FhirInteraction.TypeHistory, type, $"The history of {(type is null ? "the whole server" : "every " + type)}");
        DateTimeOffset? Instant(string name)
        {
            if (r.QueryValue(name) is not { } text) return null;
            if (!DateRange.TryParse(text, out var range)) throw FhirError.BadRequest($"'{text}' is not a valid {name} instant", name);
            return name == "_at" ? range.High.AddTicks(-1) : range.Low;
        }
        var count = _options.DefaultPageSize;
        if (r.QueryValue("_count") is { } c)
        {
            if (!int.TryParse(c, out count) || count < 1) throw FhirError.BadRequest($"_count must be a positive integer, not '{c}'", "_count");
            count = Math.Min(count, _options.MaxPageSize);
        }
        long? before = r.QueryValue("_page") is { } p && long.TryParse(p, out var cursor) ? cursor : null;
        var since = Instant("_since");
        var at = Instant("_at");

        var page = await _store.HistoryAsync(new HistoryQuery(type, id, since, at, count, before), ct);
        if (id is not null && page.Total == 0) throw FhirError.NotFound($"{type}/{id} is not known");

        var basePath = r.BaseUrl + (type is null ? "" : "/" + type) + (id is null ? "" : "/" + id) + "/_history";
        var kept = r.Query.Where(q => q.Key is "_since" or "_at" or "_count").ToList();
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.History,
            Id = ResourcePreparer.NewId(),
            Total = (int)page.Total,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = WithQuery(basePath, r.Query.Where(q => q.Key is "_since" or "_at" or "_count" or "_page")) }],
        };
        if (before is not null) bundle.Link.Add(new Bundle.LinkComponent { Relation = "first", Url = WithQuery(basePath, kept) });
        if (page.Next is long next)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = WithQuery(basePath, [.. kept, new("_page", next.ToString())]) });
        foreach (var record in page.Entries) bundle.Entry.Add(HistoryEntry(r.BaseUrl, record));
        return new FhirResponse { Resource = bundle };
    }

    private static Bundle.EntryComponent HistoryEntry(string baseUrl, ResourceRecord record)
    {
        var entry = new Bundle.EntryComponent
        {
            FullUrl = $"{baseUrl}/{record.Type}/{record.Id}",
            Request = new Bundle.RequestComponent
            {
                Method = record.Method switch
                {
                    "POST" => Bundle.HTTPVerb.POST,
                    "DELETE" => Bundle.HTTPVerb.DELETE,
                    "PATCH" => Bundle.HTTPVerb.PATCH,
                    _ => Bundle.HTTPVerb.PUT,
                },
                Url = record.Method == "POST" ? record.Type : $"{record.Type}/{record.Id}",
            },
            Response = new Bundle.ResponseComponent
            {
                Status = record.Deleted ? "204" : record.Version == 1 ? "201" : "200",
                Etag = record.ETag,
                LastModified = record.LastUpdated,
            },
        };
        if (!record.Deleted) entry.Resource = ResourceSerializer.ParseTrustedJson(record.Json.Span);
        return entry;
    }

    /// <summary>A link: the path with the parameters as its query, each escaped (a page's self, first and next links).</summary>
    public static string WithQuery(string path, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var query = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return query.Length == 0 ? path : $"{path}?{query}";
    }
}
