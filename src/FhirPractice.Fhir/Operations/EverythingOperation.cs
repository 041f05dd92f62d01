using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Operations;

/// <summary>
/// Patient $everything (http://hl7.org/fhir/R4/patient-operation-everything.html) at instance level (one patient) and
/// type level (every patient): a searchset of the patient compartment — the patient, every resource in its compartment —
/// plus, on each page, the resources those refer to that can be in no patient compartment (Practitioner, Organization,
/// Location, Medication…); referenced resources of compartment types belong to some patient and are left out unless
/// they are in this one's compartment. AuditEvents and Provenances are left out unless <c>_type</c> names them. <c>_since</c>, <c>_type</c> and <c>_count</c> are supported (not start/end);
/// pages are keyed by position (<c>_page</c>), so the next link needs no server state.
/// </summary>
public sealed class EverythingOperation(Compartments compartments, SearchParameterRegistry registry, PageCursor cursors, FhirEngineOptions options)
{
    public FhirOperation Definition => new("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything",
        System: false, Type: true, Instance: true, Types: ["Patient"], Handler: InvokeAsync) { Access = OperationAccess.Read };

    /// <summary>The parameters this operation reads; _format and _pretty are the HTTP layer's.</summary>
    private static readonly HashSet<string> Known = ["_since", "_type", "_count", "_page", "_format", "_pretty"];

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var parameters = r.Query.Concat(BodyParameters(r)).ToList();
        var ignored = new List<string>();
        foreach (var name in parameters.Select(p => p.Key).Where(n => !Known.Contains(n)).Distinct())
        {
            if (r.StrictHandling) throw FhirError.BadRequest($"$everything does not support the parameter '{name}'", name);
            ignored.Add(name);
        }
        string? Single(string name)
        {
            var values = parameters.Where(p => p.Key == name).Select(p => p.Value).ToList();
            if (values.Count > 1) throw FhirError.BadRequest($"{name} may be given once", name);
            return values.FirstOrDefault();
        }

        var count = options.DefaultPageSize;
        if (Single("_count") is { } c)
        {
            if (!int.TryParse(c, out count) || count < 1) throw FhirError.BadRequest($"_count must be a positive integer, not '{c}'", "_count");
            count = Math.Min(count, options.MaxPageSize);
        }
        var page = Single("_page");
        var after = page is null ? null
            : cursors.Decode(page, [], out var cursorError) ?? throw FhirError.BadRequest($"_page: {cursorError}", "_page");
        DateRange? since = null;
        if (Single("_since") is { } s)
            since = DateRange.TryParse(s, out var range) ? range : throw FhirError.BadRequest($"_since must be an instant, not '{s}'", "_since");
        HashSet<string>? types = null;
        if (Single("_type") is { } t)
        {
            types = t.Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            if (types.FirstOrDefault(n => !ModelInfo.IsKnownResource(n) || n is "Resource" or "DomainResource") is { } unknown)
                throw FhirError.BadRequest($"_type: '{unknown}' is not a resource type", "_type");
        }

        if (id is not null) await engine.EnsureReachableAsync(r.Caller, FhirInteraction.Read, "Patient", id, ct);

        // The records about the record (AuditEvent, Provenance) are left out unless _type asks for them.
        List<SearchClause> criteria = [compartments.Membership("Patient", id, null, withRecordsAboutRecords: types is not null)];
        if (types is not null) criteria.Add(new AnyOfClause([.. types.Order(StringComparer.Ordinal).Select(n => new ResourceClause(n, null))]));
        if (since is { } from) criteria.Add(new SearchCriterion(registry.Find(null, "_lastUpdated")!, null, [new DateValue(SearchPrefix.Ge, from)]));
        // The compartment as far as the caller may read it: its scopes' types, its own patient only, their query filters.
        var result = await engine.Store.SearchAsync(engine.Constrain(r.Caller, FhirInteraction.Read, new SearchQuery(null, criteria, count, after)), ct);
        var (referenced, cutOff) = await ReferencedAsync(engine.Store, result.Matches, types, since, ct);
        referenced = [.. await engine.ReadableAsync(r.Caller, referenced, ct)];

        var path = $"{r.BaseUrl}/Patient{(id is null ? "" : "/" + id)}/$everything";
        var kept = parameters.Where(p => p.Key is "_since" or "_type" or "_count").ToList();
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Searchset,
            Id = ResourcePreparer.NewId(),
            Link = [new Bundle.LinkComponent { Relation = "self", Url = FhirEngine.WithQuery(path, page is null ? kept : [.. kept, new("_page", page)]) }],
        };
        string Page(PagePosition position) => FhirEngine.WithQuery(path, [.. kept, new("_page", cursors.Encode(position, []))]);
        if (after is not null) bundle.Link.Add(new Bundle.LinkComponent { Relation = "first", Url = FhirEngine.WithQuery(path, kept) });
        if (result.Previous is { } previous) bundle.Link.Add(new Bundle.LinkComponent { Relation = "previous", Url = Page(previous) });
        if (result.Next is { } next) bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = Page(next) });
        foreach (var record in result.Matches) bundle.Entry.Add(Entry(r.BaseUrl, record, Bundle.SearchEntryMode.Match));
        foreach (var record in referenced) bundle.Entry.Add(Entry(r.BaseUrl, record, Bundle.SearchEntryMode.Include));

        var outcome = new OperationOutcome();
        foreach (var name in ignored)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported,
                Diagnostics = $"The parameter '{name}' was ignored: $everything does not support it", Expression = [name],
            });
        if (cutOff)
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.TooCostly,
                Diagnostics = $"The page's resources refer to more than {options.MaxIncludedResources} others; they were truncated to {options.MaxIncludedResources}: use a smaller _count",
            });
        if (outcome.Issue.Count > 0)
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = outcome, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Outcome } });
        return new FhirResponse { Resource = bundle };
    }

    /// <summary>
    /// What the page's resources refer to (local references under any reference parameter) that can be in no patient
    /// compartment, each once, filtered like the matches by _type and _since, at most <see cref="FhirEngineOptions.MaxIncludedResources"/>.
    /// </summary>
    private async Task<(List<ResourceRecord> Records, bool CutOff)> ReferencedAsync(IResourceStore store, IReadOnlyList<ResourceRecord> matches,
        HashSet<string>? types, DateRange? since, CancellationToken ct)
    {
        var cap = options.MaxIncludedResources;
        var seen = matches.Select(m => (m.Type, m.Id)).ToHashSet();
        var records = new List<ResourceRecord>();
        foreach (var source in matches.GroupBy(m => m.Type))
        {
            var references = registry.For(source.Key).Where(p => p.Type == SearchParamType.Reference).Select(p => p.Code).ToList();
            var from = source.Select(m => new ResourceKey(m.Type, m.Id, m.Version)).ToList();
            // Room for what is filtered out below as well; one beyond the cap tells truncation.
            var limit = cap - records.Count + 1 + seen.Count;
            foreach (var record in await store.IncludeAsync(new IncludeQuery(false, source.Key, references, null, from, limit), ct))
            {
                if (compartments.CanContain("Patient", record.Type) || types?.Contains(record.Type) == false
                    || since is { } window && record.LastUpdated < window.Low || !seen.Add((record.Type, record.Id))) continue;
                if (records.Count == cap) return (records, true);
                records.Add(record);
            }
        }
        return (records, false);
    }

    private static Bundle.EntryComponent Entry(string baseUrl, ResourceRecord record, Bundle.SearchEntryMode mode) => new()
    {
        FullUrl = $"{baseUrl}/{record.Type}/{record.Id}",
        Resource = ResourceSerializer.ParseTrustedJson(record.Json.Span),
        Search = new Bundle.SearchComponent { Mode = mode },
    };

    /// <summary>The operation's parameters from a POSTed Parameters resource, as the strings a URL would carry.</summary>
    private static IEnumerable<KeyValuePair<string, string>> BodyParameters(FhirRequest r)
    {
        if (r.ParsedBody is null && r.Body.IsEmpty) return [];
        if (FhirEngine.ParseBody(r) is not Parameters parameters)
            throw FhirError.BadRequest("The body of $everything must be a Parameters resource");
        return parameters.Parameter.Select(p => new KeyValuePair<string, string>(p.Name ?? "", p.Value switch
        {
            PrimitiveType primitive when primitive.JsonValue is { } value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            _ => throw FhirError.BadRequest($"The parameter '{p.Name}' needs a primitive value", p.Name),
        }));
    }
}
