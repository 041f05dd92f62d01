using System.Net;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

public sealed partial class FhirEngine
{
    private async Task<FhirResponse> BundleAsync(FhirRequest r, CancellationToken ct)
    {
        if (ParseBody(r) is not Bundle bundle)
            throw FhirError.BadRequest("POST to the base takes a Bundle of type batch or transaction", "resourceType");
        for (var i = 0; i < bundle.Entry.Count; i++)
        {
            var request = bundle.Entry[i].Request;
            if (request?.Method is null || string.IsNullOrEmpty(request.Url))
                throw FhirError.BadRequest("Every entry needs request.method and request.url", $"Bundle.entry[{i}].request");
        }
        if (r.Trace is { } trace && bundle.Type == Bundle.BundleType.Batch) trace.Interaction = new RestfulInteraction("batch");
        return bundle.Type switch
        {
            Bundle.BundleType.Batch => new FhirResponse { Resource = await BatchAsync(r, bundle, ct) },
            Bundle.BundleType.Transaction => new FhirResponse { Resource = await new TransactionProcessor(this, r, bundle).RunAsync(ct) },
            _ => throw FhirError.BadRequest($"A Bundle of type '{bundle.Type?.ToString().ToLowerInvariant()}' cannot be processed; use batch or transaction", "Bundle.type"),
        };
    }

    /// <summary>Each entry on its own: a failing entry answers with its OperationOutcome, the others go on.</summary>
    private async Task<Bundle> BatchAsync(FhirRequest r, Bundle bundle, CancellationToken ct)
    {
        var response = new Bundle { Type = Bundle.BundleType.BatchResponse, Id = ResourcePreparer.NewId() };
        foreach (var entry in bundle.Entry)
            response.Entry.Add(ResponseEntry(await HandleAsync(EntryRequest(r, entry), ct), r, entry.Request?.Method));
        return response;
    }

    /// <summary>Turns a bundle entry into a request with the same meaning as an HTTP call.</summary>
    internal static FhirRequest EntryRequest(FhirRequest parent, Bundle.EntryComponent entry)
    {
        var url = entry.Request!.Url!; // BundleAsync checked every entry has request.method and request.url
        if (url.StartsWith(parent.BaseUrl, StringComparison.OrdinalIgnoreCase)) url = url[parent.BaseUrl.Length..];
        var question = url.IndexOf('?');
        var path = (question < 0 ? url : url[..question]).Trim('/');
        var query = question < 0 ? "" : url[(question + 1)..];
        // A JSON Patch travels in a Binary (http://hl7.org/fhir/R4/http.html#patch).
        var jsonPatch = entry.Resource is Binary { ContentType: "application/json-patch+json" } binary ? binary.Data : null;
        return new FhirRequest(entry.Request.Method!.Value.ToString(), path, FhirRequest.ParseQuery(query))
        {
            BaseUrl = parent.BaseUrl,
            Body = jsonPatch ?? ReadOnlyMemory<byte>.Empty,
            ParsedBody = jsonPatch is null ? entry.Resource : null,
            PatchFormat = jsonPatch is not null ? PatchFormat.JsonPatch : PatchFormat.None,
            IfMatch = entry.Request.IfMatch,
            IfNoneMatch = entry.Request.IfNoneMatch,
            IfNoneExist = entry.Request.IfNoneExist,
            IfModifiedSince = entry.Request.IfModifiedSince,
            Return = parent.Return,
            StrictHandling = parent.StrictHandling,
            SkipUnchangedUpdates = parent.SkipUnchangedUpdates,
            Caller = parent.Caller,
            RequestId = parent.RequestId,
        };
    }

    /// <param name="method">The entry's method: a successful write (an update too, not only a create) answers
    /// with the location of the version it wrote, as the R4 example responses show — also when Prefer left its body out.</param>
    internal static Bundle.EntryComponent ResponseEntry(FhirResponse response, FhirRequest r, Bundle.HTTPVerb? method)
    {
        var location = response.Location;
        if (location is null && method is Bundle.HTTPVerb.PUT or Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PATCH
            && (int)response.Status < 300 && (response.Record ?? response.Subject) is { Deleted: false } written)
            location = $"{r.BaseUrl}/{written.Type}/{written.Id}/_history/{written.Version}";
        var entry = new Bundle.EntryComponent
        {
            Response = new Bundle.ResponseComponent
            {
                Status = StatusLine(response.Status),
                Location = location,
                Etag = response.ETag,
                LastModified = response.LastModified,
            },
        };
        if (response.Record is { Deleted: false } record) entry.FullUrl = $"{r.BaseUrl}/{record.Type}/{record.Id}";
        var body = response.ToResource();
        if (body is OperationOutcome outcome && (response.Record is null || (int)response.Status >= 400)) entry.Response.Outcome = outcome;
        else if (body is not null) entry.Resource = body;
        return entry;
    }

    private static string StatusLine(HttpStatusCode status) =>
        $"{(int)status} {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase((int)status)}";
}
