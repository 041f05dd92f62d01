using System.Net;
using System.Runtime.ExceptionServices;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// A transaction Bundle, all or nothing. Entries are processed in the order the spec sets
/// (DELETE, POST, PUT/PATCH, then GET), or with <see cref="FhirRequest.KeepsEntryOrder"/> the writes in the Bundle's
/// order and then the reads; a PUT to an id that does not exist is refused as the update interaction refuses it; ids are assigned and urn:uuid and conditional references
/// rewritten before anything is written, then the written resources are prepared in parallel; every
/// write and every conditional match is then checked and committed in one store transaction. Should a conditional match change meanwhile, the whole
/// transaction is prepared again.
/// </summary>
internal sealed class TransactionProcessor(FhirEngine engine, FhirRequest request, Bundle bundle)
{
    private sealed class Entry(int index, Bundle.EntryComponent source, FhirRequest request)
    {
        public int Index { get; } = index;
        public Bundle.EntryComponent Source { get; } = source;
        public FhirRequest Request { get; } = request;
        public string? Type { get; set; }
        public string? Id { get; set; }
        public Resource? Resource { get; set; }
        public WritePlan? Plan { get; set; }
        public FhirResponse? Response { get; set; }
        /// <summary>A PUT to Type/id: it creates only where update-as-create is allowed.</summary>
        public bool PutById { get; set; }
    }

    private int Order(string method) => method switch
    {
        "DELETE" or "POST" or "PUT" or "PATCH" when request.KeepsEntryOrder => 0,
        "DELETE" => 0,
        "POST" => 1,
        "PUT" or "PATCH" => 2,
        _ => 3,
    };

    private int _attempts;

    public Task<Bundle> RunAsync(CancellationToken ct) => engine.WithRetries(() => AttemptAsync(ct));

    private async Task<Bundle> AttemptAsync(CancellationToken ct)
    {
        // An attempt rewrites the entries' resources in place; a retry starts again from the request body.
        var source = _attempts++ == 0 ? bundle : (Bundle)FhirEngine.ParseBody(request);
        var entries = source.Entry.Select((e, i) => new Entry(i, e, FhirEngine.EntryRequest(request, e))).ToList();
        var ordered = entries.OrderBy(e => Order(e.Request.Method)).ThenBy(e => e.Index).ToList();
        var checks = new List<WritePlan>();
        var references = new Dictionary<string, string>(StringComparer.Ordinal);

        foreach (var e in ordered.Where(e => Order(e.Request.Method) < 3))
            await OnEntry(e, () => ResolveAsync(e, checks, references, ct));
        CheckDuplicates(ordered);

        var conditionalReferences = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in ordered.Where(e => e.Resource is not null && e.Request.Method is "POST" or "PUT"))
            await OnEntry(e, async () =>
            {
                foreach (var reference in ReferenceWalker.All(e.Resource!))
                {
                    // Most references name another entry: a lookup, no search.
                    if (reference.Reference is { } literal && references.TryGetValue(literal, out var local)) reference.Reference = local;
                    else reference.Reference = await RewriteAsync(reference.Reference, conditionalReferences, checks, ct);
                }
            });
        await PlanWritesAsync(ordered.Where(e => e.Resource is not null && e.Plan is null).ToList(), ct);

        var results = await engine.WriteAsync(request, tx =>
        {
            foreach (var check in checks) check.Execute(tx);
            var written = new Dictionary<Entry, WriteResult>();
            foreach (var e in ordered.Where(e => e.Plan is not null))
                written[e] = OnEntry(e, () =>
                {
                    if (e.PutById) engine.RefuseUpdateCreate(tx, e.Type!, e.Id!);
                    return e.Plan!.Execute(tx);
                });
            return written;
        }, ct, ordered.Select(e => e.Plan?.Planned).OfType<PlannedWrite>().ToList());

        foreach (var result in results.Values) engine.Committed(result);
        foreach (var (e, result) in results)
            e.Response = result.Record is null || result.Record.Deleted
                ? new FhirResponse { Status = result.Status == HttpStatusCode.NoContent ? HttpStatusCode.NoContent : result.Status, ETag = result.Record?.ETag }
                : engine.WriteResponse(e.Request, result);
        foreach (var e in ordered.Where(e => e.Response is null))
            e.Response = await engine.HandleAsync(e.Request, ct);

        var response = new Bundle { Type = Bundle.BundleType.TransactionResponse, Id = ResourcePreparer.NewId() };
        foreach (var e in entries) response.Entry.Add(FhirEngine.ResponseEntry(e.Response!, request, e.Source.Request?.Method));
        return response;
    }

    /// <summary>Decides the target of a write entry: its type, its id, and what must still hold at commit.</summary>
    private async System.Threading.Tasks.Task ResolveAsync(Entry e, List<WritePlan> checks, Dictionary<string, string> references, CancellationToken ct)
    {
        var r = e.Request;
        var segments = r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || !ModelInfo.IsKnownResource(segments[0]))
            throw FhirError.BadRequest($"'{e.Source.Request!.Url}' does not name a resource type");
        var type = e.Type = segments[0];
        if (segments.Length > 1 && segments[^1].StartsWith('$'))
        {
            // An operation runs with the reads, after the writes are committed; one this server does not offer
            // must fail the transaction before anything is written, not leave the writes committed beside its error.
            engine.AllowedOperation(r.Caller, segments[^1][1..], type, segments.Length > 2 ? segments[1] : null);
            return;
        }
        // Every write entry is authorised as the request it stands for; what it writes is checked at commit.
        engine.Demand(r.Caller, type, r.Method switch
        {
            "DELETE" => FhirInteraction.Delete,
            "POST" => FhirInteraction.Create,
            "PATCH" => FhirInteraction.Patch,
            _ => FhirInteraction.Update,
        });
        var conditional = segments.Length == 1 && r.Query.Count > 0;
        e.Resource = e.Source.Resource;

        switch (r.Method)
        {
            case "DELETE":
                if (!conditional && segments.Length != 2) throw FhirError.BadRequest("A DELETE entry's url is Type/id or a conditional Type?query");
                e.Plan = new DeletePlan(type, conditional ? null : segments[1], conditional ? engine.ConditionQuery(r.Caller, FhirInteraction.Delete, type, r.Query) : null, r.IfMatch);
                return;
            case "POST":
                if (e.Resource is null) throw FhirError.BadRequest("A POST entry needs a resource");
                if (segments.Length != 1) throw FhirError.BadRequest("A POST entry's url is the resource type");
                if (r.IfNoneExist is { } ifNoneExist)
                {
                    var query = engine.ConditionQuery(r.Caller, FhirInteraction.Create, type, FhirRequest.ParseQuery(ifNoneExist));
                    var matches = await Matches(query, ct);
                    checks.Add(new MatchCheck(query, matches.Select(m => m.Id).ToList()));
                    if (matches.Count == 1)
                    {
                        e.Id = matches[0].Id;
                        var existing = await engine.Store.ReadAsync(type, e.Id, ct);
                        e.Response = FhirResponse.ForRecord(existing!, HttpStatusCode.OK, request.BaseUrl, withLocation: true);
                        e.Resource = null;
                        break;
                    }
                }
                e.Id = ResourcePreparer.NewId();
                break;
            case "PUT":
                if (e.Resource is null) throw FhirError.BadRequest("A PUT entry needs a resource");
                if (conditional)
                {
                    var query = engine.ConditionQuery(r.Caller, FhirInteraction.Update, type, r.Query);
                    var matches = await Matches(query, ct);
                    checks.Add(new MatchCheck(query, matches.Select(m => m.Id).ToList()));
                    e.Id = matches.Count switch
                    {
                        0 => e.Resource.Id ?? ResourcePreparer.NewId(),
                        1 => matches[0].Id,
                        _ => throw FhirError.PreconditionFailed($"The conditional update matched {matches.Count} or more {type} resources"),
                    };
                }
                else if (segments.Length == 2) (e.Id, e.PutById) = (segments[1], true);
                else throw FhirError.BadRequest("A PUT entry's url is Type/id or a conditional Type?query");
                if (e.Resource.Id is not null && e.Resource.Id != e.Id)
                    throw FhirError.BadRequest($"The resource id '{e.Resource.Id}' does not match the entry's target {type}/{e.Id}");
                break;
            case "PATCH":
                e.Resource = null;
                e.Id = conditional ? (await Matches(engine.ConditionQuery(r.Caller, FhirInteraction.Patch, type, r.Query), ct)) switch
                {
                    [var only] => only.Id,
                    [] => throw FhirError.NotFound($"The conditional patch matched no {type}"),
                    _ => throw FhirError.PreconditionFailed($"The conditional patch matched several {type} resources"),
                } : segments.Length == 2 ? segments[1] : throw FhirError.BadRequest("A PATCH entry's url is Type/id or a conditional Type?query");
                e.Plan = await engine.PatchPlanAsync(r, type, e.Id, ct);
                return;
            default:
                throw FhirError.BadRequest($"Method {r.Method} is not allowed in a transaction");
        }
        if (e.Source.FullUrl is { Length: > 0 } fullUrl) references[fullUrl] = $"{type}/{e.Id}";
    }

    private async Task<IReadOnlyList<ResourceRecord>> Matches(SearchQuery query, CancellationToken ct) =>
        (await engine.Store.SearchAsync(query with { Count = 2 }, ct)).Matches;

    /// <summary>
    /// A reference that names no entry: an unknown urn is an error, a conditional reference (Type?query)
    /// becomes the Type/id it matches, anything else stays as it is.
    /// </summary>
    private async Task<string?> RewriteAsync(string? reference, Dictionary<string, string> conditional, List<WritePlan> checks, CancellationToken ct)
    {
        if (reference is null) return null;
        if (reference.StartsWith("urn:uuid:", StringComparison.Ordinal) || reference.StartsWith("urn:oid:", StringComparison.Ordinal))
            throw FhirError.BadRequest($"The reference '{reference}' names no entry of this transaction");
        var question = reference.IndexOf('?');
        if (question <= 0 || reference.Contains('/')) return reference;
        if (conditional.TryGetValue(reference, out var resolved)) return resolved;
        var type = reference[..question];
        if (!ModelInfo.IsKnownResource(type)) return reference;
        // A conditional reference is a search: it resolves among what the caller may search only.
        var query = engine.ConditionQuery(request.Caller, FhirInteraction.Search, type, FhirRequest.ParseQuery(reference[(question + 1)..]));
        var matches = await Matches(query, ct);
        if (matches.Count != 1)
            throw FhirError.PreconditionFailed($"The conditional reference '{reference}' matched {matches.Count} resources; it must match exactly one");
        checks.Add(new MatchCheck(query, [matches[0].Id]));
        return conditional[reference] = $"{type}/{matches[0].Id}";
    }

    /// <summary>
    /// Prepares the written resources (validated, indexed, serialised) on all cores: once ids and references are settled,
    /// no entry's preparation depends on another's. Should several fail, the first in processing order is reported, the
    /// one that preparing them one after another would have stopped at.
    /// </summary>
    private async System.Threading.Tasks.Task PlanWritesAsync(List<Entry> writes, CancellationToken ct)
    {
        var failures = new ExceptionDispatchInfo?[writes.Count];
        async ValueTask Plan(int i, CancellationToken ct)
        {
            try { writes[i].Plan = await PlanWriteAsync(writes[i], ct); }
            catch (FhirError error) { failures[i] = ExceptionDispatchInfo.Capture(Located(error, writes[i].Index)); }
            catch (Exception e) when (e is not OperationCanceledException) { failures[i] = ExceptionDispatchInfo.Capture(e); }
        }
        // Preparing sets the resource's id and meta: a Bundle built in memory that puts one resource object in two
        // entries has them prepared one after the other. One entry is prepared on the request's own thread.
        var shared = writes.Select(e => e.Resource).Distinct(ReferenceEqualityComparer.Instance).Count() < writes.Count;
        if (writes.Count == 1) await Plan(0, ct);
        else await Parallel.ForEachAsync(Enumerable.Range(0, writes.Count), new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = shared ? 1 : -1 }, Plan);
        foreach (var failure in failures) failure?.Throw();
    }

    private async Task<WritePlan> PlanWriteAsync(Entry e, CancellationToken ct)
    {
        var prepared = await engine.PrepareAsync(e.Resource!, e.Type!, e.Id!, ct);
        if (e.Request.Method == "POST") return new CreatePlan(prepared, null);
        return new UpdatePlan(prepared, e.Request.IfMatch, null, skipUnchanged: e.Request.SkipUnchangedUpdates);
    }

    private static void CheckDuplicates(List<Entry> entries)
    {
        var seen = new HashSet<string>();
        foreach (var e in entries.Where(e => e.Id is not null && (e.Plan is not null || e.Resource is not null)))
            if (!seen.Add($"{e.Type}/{e.Id}"))
                throw FhirError.BadRequest($"{e.Type}/{e.Id} is the target of more than one entry", $"Bundle.entry[{e.Index}]");
    }

    /// <summary>Errors name the entry they came from; the whole transaction fails with them.</summary>
    private static async System.Threading.Tasks.Task OnEntry(Entry e, Func<System.Threading.Tasks.Task> work)
    {
        try { await work(); }
        catch (FhirError error) { throw Located(error, e.Index); }
    }

    private static T OnEntry<T>(Entry e, Func<T> work)
    {
        try { return work(); }
        catch (FhirError error) { throw Located(error, e.Index); }
    }

    private static FhirError Located(FhirError error, int index)
    {
        foreach (var issue in error.Outcome.Issue)
        {
            issue.Diagnostics = $"Bundle.entry[{index}]: {issue.Diagnostics}";
            issue.Expression = !issue.Expression.Any() ? [$"Bundle.entry[{index}]"] : issue.Expression.Select(x => $"Bundle.entry[{index}].resource.{x}").ToList();
        }
        return error;
    }
}
