using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using FhirPractice.Security.Authorization;
using Microsoft.Net.Http.Headers;

namespace FhirPractice.Server.Http;

/// <summary>
/// Writes the engine's answer as HTTP: status, ETag, Last-Modified, Location, and the body in the
/// negotiated format. A stored resource requested as plain JSON is written as its stored bytes.
/// </summary>
public static class FhirHttpResponseWriter
{
    private const string Realm = "FhirPractice";

    public static async System.Threading.Tasks.Task WriteAsync(HttpContext http, FhirResponse response, FhirFormat format)
    {
        var r = http.Response;
        r.StatusCode = (int)response.Status;
        if (response.ETag is { } etag) r.Headers.ETag = etag;
        if (response.LastModified is { } modified) r.Headers.LastModified = modified.ToString("r");
        if (response.Location is { } location) r.Headers.Location = location;
        if (response.ContentLocation is { } contentLocation) r.Headers.ContentLocation = contentLocation;
        if (response.Progress is { } progress) r.Headers["X-Progress"] = progress;
        // RFC 6750: how to authenticate (401), and that the token is valid but its scopes fall short (403).
        if (response.Status == HttpStatusCode.Unauthorized)
            r.Headers.WWWAuthenticate = http.Features.Get<RefusedToken>()?.Challenge(Realm) ?? $"Bearer realm=\"{Realm}\"";
        else if (response.Status == HttpStatusCode.Forbidden) r.Headers.WWWAuthenticate = $"Bearer realm=\"{Realm}\", error=\"insufficient_scope\"";
        if (response.Status == HttpStatusCode.NotModified || !response.HasBody) return;

        var query = http.Request.Query;
        var pretty = query["_pretty"] == "true";
        var filter = Filter(query["_summary"].ToString(), query["_elements"].ToString(), response);
        r.ContentType = FhirFormats.MimeType(format) + "; charset=utf-8";
        if (http.Request.Method == HttpMethods.Head) return;

        if (format == FhirFormat.Json && !pretty && filter is null && response.Record is { Deleted: false } record)
        {
            r.ContentLength = record.Json.Length;
            await r.Body.WriteAsync(record.Json);
            return;
        }
        if (format == FhirFormat.Json && !pretty && response.Searchset is { } searchset)
        {
            // Straight into the response's pipe, whose length is not known before (sent chunked over HTTP/1.1).
            searchset.WriteJson(r.BodyWriter);
            await r.BodyWriter.FlushAsync();
            return;
        }
        var resource = response.ToResource()!;
        if (filter is not null) ResourceSubset.MarkSubsetted(resource);
        var bytes = ResourceSerializer.Serialize(resource, format, pretty, filter);
        r.ContentLength = bytes.Length;
        await r.Body.WriteAsync(bytes);
    }

    /// <summary>_summary and _elements on reads; other answers are written whole (a search Bundle's entries are cut by the engine).</summary>
    private static Func<SerializationFilter>? Filter(string summary, string elements, FhirResponse response) =>
        response.IsResourceRead
            ? ResourceSubset.Filter(summary, elements.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : null;

    /// <summary>_format first, then Accept, then the request's Content-Type; JSON by default. Null when nothing acceptable is offered.</summary>
    public static FhirFormat? Negotiate(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (format.Length > 0) return FhirFormats.Parse(format);
        var accept = request.GetTypedHeaders().Accept;
        if (accept is { Count: > 0 })
        {
            foreach (var media in accept.OrderByDescending(a => a.Quality ?? 1))
            {
                if (FhirFormats.Parse(media.MediaType.Value) is { } f) return f;
                if (media.MediaType.Value is "*/*" or "application/*") return FhirFormats.Parse(request.ContentType) ?? FhirFormat.Json;
            }
            return null;
        }
        return FhirFormats.Parse(request.ContentType) ?? FhirFormat.Json;
    }

    public static FhirError NotAcceptable(HttpRequest request) => new(HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported,
        $"Cannot answer in '{(request.Query["_format"].Count > 0 ? request.Query["_format"].ToString() : request.Headers.Accept.ToString())}'; this server speaks application/fhir+json and application/fhir+xml");
}
