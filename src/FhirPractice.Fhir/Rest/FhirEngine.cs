using System.Net;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Capability;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public sealed class FhirEngineOptions
{
    /// <summary>Update on an id that does not exist creates it (update-as-create).</summary>
    public bool AllowUpdateCreate { get; set; } = true;
    public int DefaultPageSize { get; set; } = 50;
    public int MaxPageSize { get; set; } = 1000;
    /// <summary>At most this many resources added by _include/_revinclude to one search page; beyond it a warning says the page is truncated.</summary>
    public int MaxIncludedResources { get; set; } = 1000;
    /// <summary>How many rounds _include:iterate/_revinclude:iterate follow beyond the matches.</summary>
    public int MaxIncludeIterations { get; set; } = 3;
    /// <summary>How often a write is prepared again after a concurrent change of what it read.</summary>
    public int MaxWriteRetries { get; set; } = 20;
    /// <summary>Signs search page cursors; give every node of a cluster the same one. Without it cursors are checked against a built-in key, which detects edits but not a forger who knows the code.</summary>
    public string? PageCursorSecret { get; set; }
}

/// <summary>
/// The FHIR engine: one entry point for every door. It routes a <see cref="FhirRequest"/> to the
/// interaction it names; the interactions live in the partial files beside this one.
/// </summary>
public sealed partial class FhirEngine
{
    private readonly IResourceStore _store;
    private readonly ResourcePreparer _preparer;
    private readonly SearchQueryParser _queryParser;
    private readonly LocalTerminology _terminology;
    private readonly Compartments _compartments;
    private readonly OperationRegistry _operations;
    private readonly CapabilityStatementBuilder _capabilities;
    private readonly FhirEngineOptions _options;
    private readonly TimeProvider _clock;
    private readonly CustomSearchParameters _customSearchParameters;
    private readonly ReindexJobs _jobs;
    private readonly IWriteHook[] _writeHooks;
    private readonly IAccessPolicy _access;
    private readonly IInteractionHook[] _interactionHooks;

    public FhirEngine(IResourceStore store, ResourcePreparer preparer, SearchQueryParser queryParser, Compartments compartments,
        OperationRegistry operations, CapabilityStatementBuilder capabilities, FhirEngineOptions options, TimeProvider clock, LocalTerminology terminology,
        CustomSearchParameters customSearchParameters, ReindexJobs jobs, IEnumerable<IWriteHook> writeHooks, IAccessPolicy access,
        IEnumerable<IInteractionHook> interactionHooks)
    {
        _access = access;
        _writeHooks = writeHooks.ToArray();
        _interactionHooks = interactionHooks.ToArray();
        _terminology = terminology;
        _compartments = compartments;
        _customSearchParameters = customSearchParameters;
        _jobs = jobs;
        _clock = clock;
        _store = store;
        _preparer = preparer;
        _queryParser = queryParser;
        _operations = operations;
        _capabilities = capabilities;
        _options = options;
    }

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken ct = default)
    {
        if (_interactionHooks.Length == 0) return await AnswerAsync(request, ct);
        var trace = new InteractionTrace(RestfulInteraction.Of(request));
        request = request with { Trace = trace };
        FhirResponse response;
        try
        {
            response = await AnswerAsync(request, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug's details stay in the server's log; the hooks learn that it failed.
            await CompletedAsync(new InteractionContext(request, trace.Interaction)
            {
                Status = HttpStatusCode.InternalServerError,
                Failure = FhirError.Issue(OperationOutcome.IssueType.Exception, "The server failed to handle the request"),
                Timestamp = _clock.GetUtcNow(),
            }, ct);
            throw;
        }
        // A failure is shown after its answer even when its hooks saw a write of it (an operation whose transaction committed).
        if (!trace.Written || (int)response.Status >= 400)
            await CompletedAsync(new InteractionContext(request, trace.Interaction)
            {
                Status = response.Status,
                Response = response,
                Failure = (int)response.Status >= 400 ? response.Resource as OperationOutcome : null,
                Timestamp = _clock.GetUtcNow(),
            }, ct);
        return response;
    }

    /// <summary>A request a door refused before it could hand it over (406, 413, 415, an unreadable body): the hooks see it as a failed interaction.</summary>
    public async System.Threading.Tasks.Task RefusedAsync(FhirRequest request, FhirError error)
    {
        if (_interactionHooks.Length == 0) return;
        await CompletedAsync(new InteractionContext(request, RestfulInteraction.Of(request))
        {
            Status = error.Status,
            Failure = error.Outcome,
            Timestamp = _clock.GetUtcNow(),
        }, CancellationToken.None);
    }

    private async Task<FhirResponse> AnswerAsync(FhirRequest request, CancellationToken ct)
    {
        try
        {
            return await DispatchAsync(request, ct);
        }
        catch (FhirError e)
        {
            return FhirResponse.ForError(e);
        }
    }

    private async System.Threading.Tasks.Task CompletedAsync(InteractionContext context, CancellationToken ct)
    {
        foreach (var hook in _interactionHooks) await hook.CompletedAsync(context, ct);
    }

    private Task<FhirResponse> DispatchAsync(FhirRequest r, CancellationToken ct)
    {
        var path = r.Path.Trim('/');
        var segments = path.Length == 0 ? [] : path.Split('/');
        var method = r.Method.ToUpperInvariant();
        if (method == "HEAD") method = "GET";
        // The CapabilityStatement is public: clients discover how to authorize from it.
        if (segments is not ["metadata"]) Authenticate(r.Caller);

        switch (segments)
        {
            case []:
                return method switch
                {
                    // Each entry of a batch or transaction is authorised as the request it stands for.
                    "POST" => BundleAsync(r, ct),
                    "GET" => SearchAsync(r, null, r.Query, ct),
                    _ => NotAllowed(method, "the base"),
                };
            case ["metadata"] when method == "GET":
                return System.Threading.Tasks.Task.FromResult(new FhirResponse { Resource = _capabilities.Build(r.BaseUrl) });
            case ["_history"] when method == "GET":
                return HistoryAsync(r, null, null, ct);
            case ["_search"] when method == "POST":
                return SearchAsync(r, null, SearchParametersFromBody(r), ct);
            case [var op] when op.StartsWith('$'):
                return InvokeOperationAsync(r, op[1..], null, null, ct);
            case ["_jobs", var jobId]:
                // Job ids are unguessable and a job's status holds no resource data; cancelling is maintenance.
                return method switch
                {
                    "GET" => _jobs.StatusAsync(jobId, ct),
                    "DELETE" => CancelJobAsync(r, jobId, ct),
                    _ => NotAllowed(method, path),
                };
            case ["metadata" or "_history" or "_search"]:
                return NotAllowed(method, path);
        }

        var type = segments[0];
        if (!ModelInfo.IsKnownResource(type) || type is "Resource" or "DomainResource")
            throw FhirError.NotFound($"Unknown resource type '{type}'");

        switch (segments[1..])
        {
            case []:
                return method switch
                {
                    "GET" => SearchAsync(r, type, r.Query, ct),
                    "POST" => CreateAsync(r, type, ct),
                    "PUT" => ConditionalUpdateAsync(r, type, ct),
                    "DELETE" => ConditionalDeleteAsync(r, type, ct),
                    "PATCH" => ConditionalPatchAsync(r, type, ct),
                    _ => NotAllowed(method, type),
                };
            case ["_search"] when method == "POST":
                return SearchAsync(r, type, SearchParametersFromBody(r), ct);
            case ["_history"] when method == "GET":
                return HistoryAsync(r, type, null, ct);
            case [var op] when op.StartsWith('$'):
                return InvokeOperationAsync(r, op[1..], type, null, ct);
            case ["_search" or "_history"]:
                return NotAllowed(method, path);
            case [var id]:
                return method switch
                {
                    "GET" => ReadAsync(r, type, id, ct),
                    "PUT" => UpdateAsync(r, type, id, ct),
                    "DELETE" => DeleteAsync(r, type, id, ct),
                    "PATCH" => PatchAsync(r, type, id, ct),
                    _ => NotAllowed(method, $"{type}/{id}"),
                };
            case [var id, "_history"] when method == "GET":
                return HistoryAsync(r, type, id, ct);
            case [var id, "_history", var vid] when method == "GET":
                return VReadAsync(r, type, id, vid, ct);
            case [var id, var op] when op.StartsWith('$'):
                return InvokeOperationAsync(r, op[1..], type, id, ct);
            case [_, "_history"] or [_, "_history", _]:
                return NotAllowed(method, path);
            case [var id, var target] when method == "GET":
                return CompartmentSearchAsync(r, type, id, target, r.Query, ct);
            case [var id, var target, "_search"] when method == "POST":
                return CompartmentSearchAsync(r, type, id, target, SearchParametersFromBody(r), ct);
            case [_, _] or [_, _, "_search"]:
                return NotAllowed(method, path);
        }
        throw FhirError.NotFound($"No interaction is defined for {method} {path}");
    }

    private Task<FhirResponse> CancelJobAsync(FhirRequest r, string jobId, CancellationToken ct)
    {
        DemandEverything(r.Caller, FhirInteraction.Update);
        return _jobs.CancelAsync(jobId, ct);
    }

    private static Task<FhirResponse> NotAllowed(string method, string target) =>
        throw new FhirError(HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, $"{method} is not supported on {target}");

    /// <summary>The store, for operations that read beyond the interactions.</summary>
    public IResourceStore Store => _store;

    /// <summary>Parses the request body into a resource, requiring one.</summary>
    public static Resource ParseBody(FhirRequest r)
    {
        if (r.ParsedBody is { } parsed)
        {
            if (r.CheckParsedBody) ResourceSerializer.CheckStrict(parsed);
            return parsed;
        }
        if (r.Body.IsEmpty) throw FhirError.BadRequest("The request has no body; a resource is required");
        if (r.BodyFormat is not FhirFormat format)
            throw new FhirError(HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported,
                "The Content-Type must be application/fhir+json or application/fhir+xml");
        return ResourceSerializer.Parse(r.Body.Span, format);
    }

    private static IReadOnlyList<KeyValuePair<string, string>> SearchParametersFromBody(FhirRequest r)
    {
        var form = FhirRequest.ParseQuery(System.Text.Encoding.UTF8.GetString(r.Body.Span));
        return r.Query.Concat(form).ToList();
    }

    /// <summary>Commits one write of <paramref name="r"/>; a SearchParameter's write then changes the registry.</summary>
    private async Task<WriteResult> CommitAsync(FhirRequest r, WritePlan plan, Func<IStoreTransaction, WriteResult> work, CancellationToken ct)
    {
        var result = await WriteAsync(r, work, ct, plan.Planned is { } planned ? [planned] : []);
        Committed(result);
        return result;
    }

    /// <summary>
    /// Runs one store write transaction of <paramref name="request"/>'s caller, confined to what it may write, with the write
    /// hooks (<see cref="IWriteHook"/>) and, at its end, the request's interaction hooks (<see cref="IInteractionHook.Written"/>)
    /// — and those of the operation it answers (<see cref="FhirRequest.AnswersOperation"/>) if they have not seen it yet;
    /// every write of the engine goes through here.
    /// </summary>
    internal async Task<T> WriteAsync<T>(FhirRequest request, Func<IStoreTransaction, T> work, CancellationToken ct, IReadOnlyList<PlannedWrite>? planned = null)
    {
        var trace = request.Trace;
        var operation = request.AnswersOperation is { Trace: { Written: false } } answered ? answered : null;
        var prepared = Prepare(request, planned, inItsTransaction: false);
        var preparedOperation = operation is null ? null : Prepare(operation, planned, inItsTransaction: true);
        bool shown = false, operationShown = false;
        var result = await _store.WriteAsync(tx =>
        {
            var hooked = new HookedTransaction(tx, _writeHooks, request.Caller.Origin);
            var value = work(new ConfinedTransaction(hooked, request.Caller, _access));
            // A write that wrote nothing (a conditional create that found its match, a delete of nothing) is shown after its answer instead.
            if (trace is not null && hooked.Written.Count > 0)
            {
                Written(tx, new InteractionContext(request, trace.Interaction) { Writes = hooked.Written, Timestamp = tx.Timestamp }, prepared);
                shown = true;
                if (operation is not null)
                {
                    Written(tx, new InteractionContext(operation, operation.Trace!.Interaction) { Writes = hooked.Written, Timestamp = tx.Timestamp, InItsTransaction = true }, preparedOperation!);
                    operationShown = true;
                }
            }
            return value;
        }, ct);
        // Only once committed: a write that failed leaves its interaction (and a retry of it) to be shown again.
        if (shown) trace!.Written = true;
        if (operationShown) operation!.Trace!.Written = true;
        foreach (var hook in _writeHooks) hook.Committed();
        return result;
    }

    /// <summary>What each interaction hook builds ahead, on the caller's thread, for the writes <paramref name="request"/> plans.</summary>
    private object?[] Prepare(FhirRequest request, IReadOnlyList<PlannedWrite>? planned, bool inItsTransaction)
    {
        var prepared = new object?[_interactionHooks.Length];
        if (request.Trace is not { } trace || planned is not { Count: > 0 }) return prepared;
        var plan = new InteractionContext(request, trace.Interaction) { Planned = planned, InItsTransaction = inItsTransaction };
        for (var i = 0; i < prepared.Length; i++) prepared[i] = _interactionHooks[i].Prepare(plan);
        return prepared;
    }

    private void Written(IStoreTransaction tx, InteractionContext context, object?[] prepared)
    {
        for (var i = 0; i < _interactionHooks.Length; i++) _interactionHooks[i].Written(tx, context, prepared[i]);
    }

    /// <summary>After a commit: a written or deleted SearchParameter defines or removes its custom parameters.</summary>
    internal void Committed(WriteResult result) => _customSearchParameters.Committed(result.Record);

    internal async Task<T> WithRetries<T>(Func<Task<T>> attempt)
    {
        for (var i = 0; ; i++)
        {
            try { return await attempt(); }
            catch (WriteConflict) when (i < _options.MaxWriteRetries) { }
            catch (WriteConflict)
            {
                throw FhirError.Conflict("The resource kept changing while this write was prepared; try again");
            }
        }
    }
}
