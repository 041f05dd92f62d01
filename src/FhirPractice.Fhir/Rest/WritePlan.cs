using System.Net;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Fhir.Rest;

/// <summary>The outcome of one write inside a transaction.</summary>
public sealed record WriteResult(HttpStatusCode Status, ResourceRecord? Record);

/// <summary>
/// Raised inside a write transaction when something read before it (a conditional match, the
/// version a patch was applied to) changed meanwhile; the engine prepares the write again.
/// </summary>
public sealed class WriteConflict : Exception;

/// <summary>
/// One write, decided and checked inside the store's transaction so it cannot race with another
/// writer. Everything expensive was done when the plan was made.
/// </summary>
public abstract class WritePlan
{
    public abstract WriteResult Execute(IStoreTransaction tx);

    /// <summary>The version this plan means to write, as far as it is known before the transaction (null: not known, or nothing).</summary>
    public virtual PlannedWrite? Planned => null;

    protected static ResourceRecord Record(ResourceWrite w) => new(w.Type, w.Id, w.Version, w.LastUpdated, w.Method, w.Deleted, w.Json);

    protected static void CheckIfMatch(string? ifMatch, ResourceRecord? current, string type, string id)
    {
        if (ifMatch is null) return;
        if (current is null || current.Deleted)
            throw FhirError.PreconditionFailed($"If-Match {ifMatch}: {type}/{id} does not exist");
        if (!ETags.Matches(ifMatch, current.Version))
            throw FhirError.PreconditionFailed($"If-Match {ifMatch} does not match the current version W/\"{current.Version}\" of {type}/{id}");
    }
}

/// <summary>Create, or with If-None-Exist: return the one match instead, refuse when several match.</summary>
public sealed class CreatePlan(PreparedResource resource, SearchQuery? ifNoneExist) : WritePlan
{
    public PreparedResource Resource => resource;

    public override PlannedWrite Planned => new(resource.Type, resource.Id, "POST", resource);

    public override WriteResult Execute(IStoreTransaction tx)
    {
        if (ifNoneExist is not null)
        {
            var matches = tx.Match(ifNoneExist, 2);
            if (matches.Count > 1) throw FhirError.PreconditionFailed($"If-None-Exist matched {matches.Count} or more {resource.Type} resources");
            if (matches.Count == 1) return new WriteResult(HttpStatusCode.OK, tx.ReadCurrent(matches[0].Type, matches[0].Id));
        }
        var write = resource.ToWrite(1, tx.Timestamp, "POST");
        tx.Write(write);
        return new WriteResult(HttpStatusCode.Created, Record(write));
    }
}

/// <summary>
/// Update (or create with the client's id). <paramref name="expectedVersion"/> pins the version the
/// new content was derived from (a patch, a conditional update): 0 means "must not exist yet". With
/// <paramref name="skipUnchanged"/> (<see cref="FhirRequest.SkipUnchangedUpdates"/>) content that is the same as the current
/// version is not written again.
/// </summary>
public sealed class UpdatePlan(PreparedResource resource, string? ifMatch, long? expectedVersion, string method = "PUT", bool skipUnchanged = false) : WritePlan
{
    public override PlannedWrite Planned => new(resource.Type, resource.Id, method, resource);

    public override WriteResult Execute(IStoreTransaction tx)
    {
        var current = tx.ReadCurrent(resource.Type, resource.Id);
        CheckIfMatch(ifMatch, current, resource.Type, resource.Id);
        if (expectedVersion is long expected && (current is null || current.Deleted ? 0 : current.Version) != expected)
            throw new WriteConflict();
        if (skipUnchanged && current is { Deleted: false } && resource.IsSameAs(current))
            return new WriteResult(HttpStatusCode.OK, current);
        var write = resource.ToWrite((current?.Version ?? 0) + 1, tx.Timestamp, method);
        tx.Write(write);
        var created = current is null || current.Deleted;
        return new WriteResult(created ? HttpStatusCode.Created : HttpStatusCode.OK, Record(write));
    }
}

/// <summary>Delete by id, or the single match of a conditional delete. Deleting nothing succeeds.</summary>
public sealed class DeletePlan(string type, string? id, SearchQuery? condition, string? ifMatch) : WritePlan
{
    public override PlannedWrite? Planned => condition is null && id is not null ? new(type, id, "DELETE", null) : null;

    public override WriteResult Execute(IStoreTransaction tx)
    {
        var targetId = id;
        if (condition is not null)
        {
            var matches = tx.Match(condition, 2);
            if (matches.Count > 1) throw FhirError.PreconditionFailed($"The conditional delete matched {matches.Count} or more {type} resources");
            if (matches.Count == 0) return new WriteResult(HttpStatusCode.NoContent, null);
            targetId = matches[0].Id;
        }
        var current = tx.ReadCurrent(type, targetId!);
        CheckIfMatch(ifMatch, current, type, targetId!);
        if (current is null || current.Deleted) return new WriteResult(HttpStatusCode.NoContent, current);
        var write = new ResourceWrite(type, targetId!, current.Version + 1, tx.Timestamp, "DELETE", ReadOnlyMemory<byte>.Empty, []);
        tx.Write(write);
        return new WriteResult(HttpStatusCode.NoContent, Record(write));
    }
}

/// <summary>Re-checks, inside the transaction, that a conditional URL still resolves as it did when the plan was made.</summary>
public sealed class MatchCheck(SearchQuery query, IReadOnlyList<string> expectedIds) : WritePlan
{
    public override WriteResult Execute(IStoreTransaction tx)
    {
        var ids = tx.Match(query, expectedIds.Count + 1).Select(k => k.Id).Order().ToList();
        if (!ids.SequenceEqual(expectedIds.Order())) throw new WriteConflict();
        return new WriteResult(HttpStatusCode.OK, null);
    }
}
