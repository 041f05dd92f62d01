using System.Net;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Fhir.Rest;

public sealed partial class FhirEngine
{
    private async Task<FhirResponse> ReadAsync(FhirRequest r, string type, string id, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.Read);
        await EnsureVisibleAsync(r.Caller, FhirInteraction.Read, type, id, ct);
        var record = await _store.ReadAsync(type, id, ct) ?? throw FhirError.NotFound($"{type}/{id} is not known");
        if (record.Deleted) throw GoneError(record);
        return NotModified(r, record) ?? ReadResponse(record);
    }

    private async Task<FhirResponse> VReadAsync(FhirRequest r, string type, string id, string vid, CancellationToken ct)
    {
        Demand(r.Caller, type, FhirInteraction.VRead);
        // Whether the caller reaches a resource is decided on its current version.
        await EnsureVisibleAsync(r.Caller, FhirInteraction.VRead, type, id, ct);
        if (!long.TryParse(vid, out var version)) throw FhirError.NotFound($"'{vid}' is not a version of {type}/{id}");
        var record = await _store.ReadVersionAsync(type, id, version, ct)
                     ?? throw FhirError.NotFound($"{type}/{id} has no version {vid}");
        if (record.Deleted) throw GoneError(record);
        return NotModified(r, record) ?? ReadResponse(record);
    }

    private static FhirResponse ReadResponse(ResourceRecord record) => new()
    {
        Record = record,
        Subject = record,
        ETag = record.ETag,
        LastModified = record.LastUpdated,
        IsResourceRead = true,
    };

    private static FhirError GoneError(ResourceRecord record) =>
        new(HttpStatusCode.Gone, FhirError.Issue(Hl7.Fhir.Model.OperationOutcome.IssueType.Deleted,
            $"{record.Type}/{record.Id} was deleted (version {record.Version})"));

    /// <summary>If-None-Match and If-Modified-Since: 304 when the client's copy is current.</summary>
    private static FhirResponse? NotModified(FhirRequest r, ResourceRecord record)
    {
        var notModified = r.IfNoneMatch is { } inm
            ? ETags.Matches(inm, record.Version)
            : r.IfModifiedSince is { } since && record.LastUpdated.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
        return notModified
            ? new FhirResponse { Status = HttpStatusCode.NotModified, ETag = record.ETag, LastModified = record.LastUpdated }
            : null;
    }
}
