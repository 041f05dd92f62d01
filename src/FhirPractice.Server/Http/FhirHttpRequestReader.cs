using System.Globalization;
using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;
using Microsoft.Net.Http.Headers;

namespace FhirPractice.Server.Http;

/// <summary>Turns an HTTP request under the FHIR base into the engine's <see cref="FhirRequest"/>.</summary>
public sealed class FhirHttpRequestReader(FhirHttpOptions options)
{
    public async Task<FhirRequest> ReadAsync(HttpContext http, string basePath)
    {
        // First: a request whose token was refused goes no further than the door, its body unread.
        var caller = HttpCaller.Authenticated(http);
        var request = http.Request;
        var body = await ReadBodyAsync(request);
        var contentType = request.ContentType;
        var isJsonPatch = contentType is not null && contentType.Split(';')[0].Trim().Equals("application/json-patch+json", StringComparison.OrdinalIgnoreCase);
        var bodyFormat = body.Length == 0 || isJsonPatch ? null : FhirFormats.Parse(contentType);
        if (body.Length > 0 && bodyFormat is null && !isJsonPatch && !IsFormPost(request))
            throw new FhirError(HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported,
                $"Content-Type '{contentType}' is not supported; use application/fhir+json or application/fhir+xml");

        var prefer = ParsePrefer(request.Headers["Prefer"].ToString());
        return Envelope(http, basePath) with
        {
            Caller = caller,
            Body = body,
            BodyFormat = bodyFormat,
            PatchFormat = isJsonPatch ? PatchFormat.JsonPatch : PatchFormat.None,
            IfMatch = Header(request, HeaderNames.IfMatch),
            IfNoneMatch = Header(request, HeaderNames.IfNoneMatch),
            IfNoneExist = Header(request, "If-None-Exist"),
            IfModifiedSince = DateTimeOffset.TryParseExact(Header(request, HeaderNames.IfModifiedSince), "r", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var since) ? since : null,
            Return = prefer.Return,
            StrictHandling = prefer.Strict,
        };
    }

    /// <summary>What the request is and who sends it, without its body: also for a request refused before it is read whole.</summary>
    public static FhirRequest Envelope(HttpContext http, string basePath)
    {
        var request = http.Request;
        return new FhirRequest(request.Method, request.Path.Value![basePath.Length..].Trim('/'), FhirRequest.ParseQuery(request.QueryString.Value))
        {
            BaseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}{basePath}",
            Caller = HttpCaller.From(http),
            RequestId = RequestId(http),
        };
    }

    /// <summary>The request's id for the audit trail: the client's X-Request-Id (up to 200 characters), else the server's own.</summary>
    public static string RequestId(HttpContext http) =>
        http.Request.Headers["X-Request-Id"] is [{ Length: > 0 and <= 200 } id] ? id : http.TraceIdentifier;

    private static bool IsFormPost(HttpRequest r) =>
        r.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;

    private static string? Header(HttpRequest r, string name) => r.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;

    private static (PreferReturn Return, bool Strict) ParsePrefer(string prefer)
    {
        var result = PreferReturn.Representation;
        var strict = false;
        foreach (var part in prefer.Split(',', ';').Select(p => p.Trim()))
        {
            if (part.Equals("return=minimal", StringComparison.OrdinalIgnoreCase)) result = PreferReturn.Minimal;
            else if (part.Equals("return=OperationOutcome", StringComparison.OrdinalIgnoreCase)) result = PreferReturn.OperationOutcome;
            else if (part.Equals("handling=strict", StringComparison.OrdinalIgnoreCase)) strict = true;
        }
        return (result, strict);
    }

    /// <summary>Reads the body up to the configured limit; a larger body is refused without reading the rest.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength > options.MaxBodyBytes) throw TooLarge();
        var buffer = new MemoryStream(request.ContentLength is long n and > 0 ? (int)n : 0);
        var chunk = new byte[16384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > options.MaxBodyBytes) throw TooLarge();
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private FhirError TooLarge() => new(HttpStatusCode.RequestEntityTooLarge, OperationOutcome.IssueType.TooCostly,
        $"The request body is larger than the limit of {options.MaxBodyBytes} bytes");
}
