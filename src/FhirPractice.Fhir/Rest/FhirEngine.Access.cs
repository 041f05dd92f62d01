using System.Net;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// Authorization at the engine's entry points, by the registered <see cref="IAccessPolicy"/>: an interaction is
/// allowed or refused (401/403) before it runs, and what the caller may reach is a constraint added to the search
/// tree (<see cref="SearchConstraints"/>), never a filter on results. A single resource outside that constraint is
/// "not known" (404) to reads, so its existence does not leak; a write that would leave or touch a resource outside
/// it is refused (403) inside the write transaction (<see cref="ConfinedTransaction"/>).
/// </summary>
public sealed partial class FhirEngine
{
    /// <summary>Throws the policy's refusal unless the caller may perform one of <paramref name="interactions"/> on <paramref name="type"/>.</summary>
    internal void Demand(FhirCaller caller, string? type, params IReadOnlyList<FhirInteraction> interactions)
    {
        FhirError? refusal = null;
        foreach (var interaction in interactions)
            if ((refusal = _access.Check(caller, interaction, type)) is null) return;
        throw refusal!;
    }

    /// <summary>Throws the policy's refusal unless the caller may perform <paramref name="interaction"/> on every resource, unconfined.</summary>
    public void DemandEverything(FhirCaller caller, FhirInteraction interaction)
    {
        if (_access.CheckEverything(caller, interaction) is { } refusal) throw refusal;
    }

    private void Authenticate(FhirCaller caller)
    {
        if (_access.Authenticate(caller) is { } refusal) throw refusal;
    }

    /// <summary>Throws a 403 unless the caller reaches every resource of <paramref name="type"/> (every type when null) through <paramref name="interaction"/>.</summary>
    private void DemandUnconfined(FhirCaller caller, FhirInteraction interaction, string? type, string what)
    {
        Demand(caller, type, interaction);
        if (_access.Constraint(caller, interaction, type) is not null)
            throw Forbidden($"{what} is not available to a caller confined to part of the data (a patient compartment, a scope's query filter, or no access to AuditEvent); search instead");
    }

    internal static FhirError Forbidden(string diagnostics) => new(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, diagnostics);

    /// <summary>The query with the caller's constraint on its resources and on those of its chains and <c>_has</c>.</summary>
    internal SearchQuery Constrain(FhirCaller caller, FhirInteraction interaction, SearchQuery query) =>
        SearchConstraints.Apply(query, type => _access.Constraint(caller, interaction, type));

    /// <summary>
    /// Throws a 404 when the caller is confined and the resource is not a current one within what it reaches through
    /// <paramref name="interaction"/>; an unconfined caller is not checked (a read finds out itself whether the resource exists).
    /// </summary>
    internal async System.Threading.Tasks.Task EnsureVisibleAsync(FhirCaller caller, FhirInteraction interaction, string type, string id, CancellationToken ct)
    {
        if (_access.Constraint(caller, interaction, type) is { } constraint) await EnsureWithinAsync(constraint, type, id, ct);
    }

    /// <summary>Throws a 404 unless the resource exists, is not deleted, and is within what the caller reaches through <paramref name="interaction"/>.</summary>
    internal async System.Threading.Tasks.Task EnsureReachableAsync(FhirCaller caller, FhirInteraction interaction, string type, string id, CancellationToken ct)
    {
        if (_access.Constraint(caller, interaction, type) is { } constraint)
        {
            await EnsureWithinAsync(constraint, type, id, ct);
            return;
        }
        var current = await _store.ReadAsync(type, id, ct);
        if (current is null || current.Deleted) throw FhirError.NotFound($"{type}/{id} is not known");
    }

    private async System.Threading.Tasks.Task EnsureWithinAsync(SearchClause constraint, string type, string id, CancellationToken ct)
    {
        var found = await _store.SearchAsync(new SearchQuery(type, [new ResourceClause(type, id), constraint], 1), ct);
        if (found.Matches.Count == 0) throw FhirError.NotFound($"{type}/{id} is not known");
    }

    /// <summary>
    /// Those of <paramref name="records"/> the caller may read, in their order: what includes and $everything add
    /// beside the matches. Each type's constraint is asked of the store for the records' ids.
    /// </summary>
    public async Task<IReadOnlyList<ResourceRecord>> ReadableAsync(FhirCaller caller, IReadOnlyList<ResourceRecord> records, CancellationToken ct)
    {
        if (records.Count == 0) return records;
        var readable = new HashSet<(string, string)>();
        foreach (var group in records.GroupBy(r => r.Type))
        {
            if (_access.Check(caller, FhirInteraction.Read, group.Key) is not null) continue;
            if (_access.Constraint(caller, FhirInteraction.Read, group.Key) is not { } constraint)
            {
                readable.UnionWith(group.Select(r => (r.Type, r.Id)));
                continue;
            }
            var ids = new AnyOfClause([.. group.Select(r => new ResourceClause(r.Type, r.Id))]);
            var found = await _store.SearchAsync(new SearchQuery(group.Key, [ids, constraint], group.Count()), ct);
            readable.UnionWith(found.Matches.Select(r => (r.Type, r.Id)));
        }
        return [.. records.Where(r => readable.Contains((r.Type, r.Id)))];
    }

    /// <summary>
    /// An operation, if offered and allowed: the caller must be allowed what it declares (<see cref="OperationAccess"/>) on
    /// the type it is invoked on — at system level on each of its types, or on everything when it names none — and, at
    /// instance level, reach the instance.
    /// </summary>
    private async Task<FhirResponse> InvokeOperationAsync(FhirRequest r, string name, string? type, string? id, CancellationToken ct)
    {
        var operation = AllowedOperation(r.Caller, name, type, id);
        if (id is not null) await EnsureVisibleAsync(r.Caller, operation.Access.AnyOf[0], type!, id, ct);
        return await operation.Handler(this, r, type, id, ct);
    }

    /// <summary>The operation for this name and level, after the checks of <see cref="InvokeOperationAsync"/> that need no store.</summary>
    internal FhirOperation AllowedOperation(FhirCaller caller, string name, string? type, string? id)
    {
        var operation = _operations.Offered(name, type, id);
        if (type is not null) Demand(caller, type, operation.Access.AnyOf);
        else if (operation.Types.Count > 0) foreach (var t in operation.Types) Demand(caller, t, operation.Access.AnyOf);
        else DemandEverything(caller, operation.Access.AnyOf[0]);
        return operation;
    }

    /// <summary>
    /// The store transaction of a caller's write: every version written must leave the resource within what the caller
    /// may write (its constraint for the interaction), and an update or deletion must start from a resource within it.
    /// Checked by the store on the index entries just written, so the rule is the one searches apply; a refusal
    /// rolls the whole transaction back.
    /// </summary>
    private sealed class ConfinedTransaction(IStoreTransaction inner, FhirCaller caller, IAccessPolicy access) : DelegatingTransaction(inner)
    {
        public override void Write(ResourceWrite write)
        {
            var interaction = write.Deleted ? FhirInteraction.Delete
                : write.Method == "PATCH" ? FhirInteraction.Patch
                : write.Version > 1 ? FhirInteraction.Update : FhirInteraction.Create;
            var constraint = access.Constraint(caller, interaction, write.Type);
            if (constraint is not null && write.Version > 1 && Inner.ReadCurrent(write.Type, write.Id) is { Deleted: false } && !Within(write, constraint))
                throw Forbidden($"{write.Type}/{write.Id} is outside what this caller may {interaction.ToString().ToLowerInvariant()}");
            Inner.Write(write);
            if (constraint is not null && !write.Deleted && !Within(write, constraint))
                throw Forbidden($"The {write.Type} would be outside what this caller may write (its patient compartment or its scopes' query filters)");
        }

        private bool Within(ResourceWrite write, SearchClause constraint) =>
            Inner.Match(new SearchQuery(write.Type, [new ResourceClause(write.Type, write.Id), constraint], 1), 1).Count == 1;
    }
}
