using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Rest.Patch;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public sealed partial class FhirEngine
{
    private async Task<FhirResponse> CreateAsync(FhirRequest r, string type, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Create);
        var resource = ParseBody(r);
        CheckType(resource, type);
        var ifNoneExist = r.IfNoneExist is { } condition ? ConditionQuery(r.Caller, FhirInteraction.Create, type, FhirRequest.ParseQuery(condition)) : null;
        var prepared = await _preparer.PrepareAsync(resource, ResourcePreparer.NewId(), ct);
        var plan = new CreatePlan(prepared, ifNoneExist);
        var result = await CommitAsync(r, plan, plan.Execute, ct);
        return WriteResponse(r, result);
    }

    private async Task<FhirResponse> UpdateAsync(FhirRequest r, string type, string id, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Update);
        var resource = ParseBody(r);
        CheckType(resource, type);
        if (resource.Id is null) throw FhirError.BadRequest("The resource has no id; an update needs the id of the URL in the body", $"{type}.id");
        if (resource.Id != id) throw FhirError.BadRequest($"The id '{resource.Id}' in the body does not match the id '{id}' in the URL", $"{type}.id");
        var prepared = await _preparer.PrepareAsync(resource, id, ct);
        var plan = new UpdatePlan(prepared, r.IfMatch, null, skipUnchanged: r.SkipUnchangedUpdates);
        var result = await CommitAsync(r, plan, tx =>
        {
            RefuseUpdateCreate(tx, type, id);
            return plan.Execute(tx);
        }, ct);
        return WriteResponse(r, result);
    }

    /// <summary>A 404 for an update of an id that was never written, unless update-as-create is allowed (<see cref="FhirEngineOptions.AllowUpdateCreate"/>).</summary>
    internal void RefuseUpdateCreate(IStoreTransaction tx, string type, string id)
    {
        if (!_options.AllowUpdateCreate && tx.ReadCurrent(type, id) is null)
            throw FhirError.NotFound($"{type}/{id} does not exist and this server does not create on update");
    }

    private Task<FhirResponse> ConditionalUpdateAsync(FhirRequest r, string type, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Update);
        var query = ConditionQuery(r.Caller, FhirInteraction.Update, type, r.Query);
        var resource = ParseBody(r);
        CheckType(resource, type);
        return WithRetries(async () =>
        {
            var matches = (await _store.SearchAsync(query with { Count = 2 }, ct)).Matches;
            if (matches.Count > 1) throw FhirError.PreconditionFailed($"The conditional update matched {matches.Count} or more {type} resources");
            string id;
            long expected;
            if (matches.Count == 1)
            {
                id = matches[0].Id;
                expected = matches[0].Version;
                if (resource.Id is not null && resource.Id != id)
                    throw FhirError.BadRequest($"The id '{resource.Id}' in the body does not match the resource {type}/{id} the condition found", $"{type}.id");
            }
            else
            {
                id = resource.Id ?? ResourcePreparer.NewId();
                expected = 0;
            }
            var prepared = await _preparer.PrepareAsync((Resource)resource.DeepCopy(), id, ct);
            var ids = matches.Select(m => m.Id).ToList();
            var plan = new UpdatePlan(prepared, r.IfMatch, expected, skipUnchanged: r.SkipUnchangedUpdates);
            var result = await CommitAsync(r, plan, tx =>
            {
                new MatchCheck(query, ids).Execute(tx);
                return plan.Execute(tx);
            }, ct);
            return WriteResponse(r, result);
        });
    }

    private async Task<FhirResponse> DeleteAsync(FhirRequest r, string type, string id, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Delete);
        var plan = new DeletePlan(type, id, null, r.IfMatch);
        var result = await CommitAsync(r, plan, plan.Execute, ct);
        return DeleteResponse(result);
    }

    private async Task<FhirResponse> ConditionalDeleteAsync(FhirRequest r, string type, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Delete);
        var query = ConditionQuery(r.Caller, FhirInteraction.Delete, type, r.Query);
        var plan = new DeletePlan(type, null, query, r.IfMatch);
        var result = await CommitAsync(r, plan, plan.Execute, ct);
        return DeleteResponse(result);
    }

    private static FhirResponse DeleteResponse(WriteResult result) => new()
    {
        Status = HttpStatusCode.OK,
        Resource = FhirError.Issue(OperationOutcome.IssueType.Informational,
            result.Record is { Deleted: true } d ? $"Deleted {d.Type}/{d.Id}" : "Nothing to delete",
            severity: OperationOutcome.IssueSeverity.Information),
        ETag = result.Record?.ETag,
    };

    private Task<FhirResponse> PatchAsync(FhirRequest r, string type, string id, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Patch);
        return WithRetries(async () =>
        {
            var plan = await PatchPlanAsync(r, type, id, ct);
            var result = await CommitAsync(r, plan, plan.Execute, ct);
            return WriteResponse(r, result);
        });
    }

    /// <summary>Applies the patch to the current version; the plan fails with a conflict if that version is no longer current at commit.</summary>
    internal async Task<WritePlan> PatchPlanAsync(FhirRequest r, string type, string id, CancellationToken ct)
    {
        var current = await _store.ReadAsync(type, id, ct) ?? throw FhirError.NotFound($"{type}/{id} is not known");
        if (current.Deleted) throw GoneError(current);
        if (r.IfMatch is { } ifMatch && !ETags.Matches(ifMatch, current.Version))
            throw FhirError.PreconditionFailed($"If-Match {ifMatch} does not match the current version {current.ETag} of {type}/{id}");
        var patched = ApplyPatch(r, current);
        if (patched.Id != id) throw FhirError.Unprocessable("A patch may not change the resource's id", $"{type}.id");
        var prepared = await PrepareAsync(patched, type, id, ct);
        return new UpdatePlan(prepared, null, current.Version, "PATCH");
    }

    internal ValueTask<PreparedResource> PrepareAsync(Resource resource, string type, string id, CancellationToken ct)
    {
        CheckType(resource, type);
        return _preparer.PrepareAsync(resource, id, ct);
    }

    private async Task<FhirResponse> ConditionalPatchAsync(FhirRequest r, string type, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Patch);
        var query = ConditionQuery(r.Caller, FhirInteraction.Patch, type, r.Query);
        var matches = (await _store.SearchAsync(query with { Count = 2 }, ct)).Matches;
        return matches.Count switch
        {
            0 => throw FhirError.NotFound($"The conditional patch matched no {type}"),
            > 1 => throw FhirError.PreconditionFailed($"The conditional patch matched {matches.Count} or more {type} resources"),
            _ => await PatchAsync(r, type, matches[0].Id, ct),
        };
    }

    /// <summary>JSON Patch on the stored JSON, or FHIRPath Patch (a Parameters body) on the resource.</summary>
    private static Resource ApplyPatch(FhirRequest r, ResourceRecord current)
    {
        if (r.Body.IsEmpty && r.ParsedBody is null) throw FhirError.BadRequest("The patch request has no body");
        if (r.BodyFormat is null && r.PatchFormat == PatchFormat.JsonPatch)
        {
            JsonNode? document, patch;
            try { patch = JsonNode.Parse(r.Body.Span); }
            catch (System.Text.Json.JsonException e) { throw FhirError.BadRequest($"The JSON Patch document is not valid JSON: {e.Message}"); }
            document = JsonNode.Parse(current.Json.Span)!;
            var result = JsonPatch.Apply(document, patch!);
            return CheckPatched(System.Text.Encoding.UTF8.GetBytes(result.ToJsonString()));
        }
        if (r.BodyFormat is null && r.ParsedBody is null)
            throw new FhirError(HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported,
                "PATCH takes application/json-patch+json or a FHIRPath Patch Parameters resource (application/fhir+json or application/fhir+xml)");
        if (ParseBody(r) is not Parameters parameters)
            throw FhirError.BadRequest("A FHIRPath Patch body must be a Parameters resource");
        var resource = ResourceSerializer.ParseTrustedJson(current.Json.Span);
        return CheckPatched(ResourceSerializer.ToJsonBytes(FhirPathPatch.Apply(resource, parameters)));
    }

    /// <summary>A patched resource is checked as strictly as any written one; an invalid result makes the patch unprocessable (422).</summary>
    private static Resource CheckPatched(byte[] json)
    {
        try { return ResourceSerializer.ParseJson(json); }
        catch (FhirError e) { throw new FhirError(HttpStatusCode.UnprocessableEntity, e.Outcome); }
    }

    private static void CheckType(Resource resource, string type)
    {
        if (resource.TypeName != type)
            throw FhirError.BadRequest($"The body is a {resource.TypeName}, but the URL is for {type}", "resourceType");
    }

    /// <summary>
    /// A conditional URL's query: it must be a valid search with at least one criterion. It sees only what the caller
    /// reaches through <paramref name="interaction"/>, so a condition cannot probe beyond that.
    /// </summary>
    internal SearchQuery ConditionQuery(FhirCaller caller, FhirInteraction interaction, string type, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var parsed = _queryParser.Parse(type, parameters.Where(p => p.Key is not ("_format" or "_pretty")), strict: true);
        if (parsed.Query.Criteria.Count == 0) throw FhirError.PreconditionFailed("A conditional interaction needs search criteria");
        // Conditions are checked again inside the write transaction, where the store cannot be asked about value sets.
        if (TerminologyCriteria.Needed(parsed.Query))
            throw FhirError.BadRequest("Conditional interactions do not support :in, :not-in, :above or :below on tokens");
        return Constrain(caller, interaction, parsed.Query);
    }

    /// <summary>The answer to a write, shaped by Prefer: the stored resource, nothing, or an OperationOutcome.</summary>
    internal FhirResponse WriteResponse(FhirRequest r, WriteResult result)
    {
        var record = result.Record!;
        var created = result.Status == HttpStatusCode.Created;
        var response = FhirResponse.ForRecord(record, result.Status, r.BaseUrl, withLocation: created || r.Method == "POST");
        var what = created ? "Created" : r.Method == "POST" ? "Found existing" : "Updated";
        return r.Return switch
        {
            PreferReturn.Minimal => response.WithBody(null),
            PreferReturn.OperationOutcome => response.WithBody(FhirError.Issue(OperationOutcome.IssueType.Informational,
                $"{what} {record.Type}/{record.Id} version {record.Version}", severity: OperationOutcome.IssueSeverity.Information)),
            _ => response,
        };
    }
}
