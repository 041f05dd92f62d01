using System.Net;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// The engine's answer. The body is either a stored record (served as its bytes when the client
/// asks for plain JSON) or a resource built for the answer (a Bundle, an OperationOutcome…).
/// </summary>
public sealed class FhirResponse
{
    public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;
    public ResourceRecord? Record { get; init; }
    /// <summary>
    /// The stored resource the answer is about, kept when its body is left out or replaced (<c>Prefer: return=minimal</c>
    /// or <c>OperationOutcome</c>), so the audit trail still names what was written or found.
    /// </summary>
    public ResourceRecord? Subject { get; init; }
    public Resource? Resource { get; init; }
    /// <summary>A search answer kept as stored records, for the JSON writer to write without parsing them.</summary>
    public Searchset? Searchset { get; init; }
    public string? Location { get; init; }
    public string? ETag { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    /// <summary>Where an asynchronous request's status can be polled (the FHIR async pattern's Content-Location).</summary>
    public string? ContentLocation { get; init; }
    /// <summary>How far a running asynchronous job is (the X-Progress header).</summary>
    public string? Progress { get; init; }
    /// <summary>Set when the body is a full stored resource that _summary/_elements may trim.</summary>
    public bool IsResourceRead { get; init; }

    public bool HasBody => Record is { Deleted: false } || Resource is not null || Searchset is not null;

    public Resource? ToResource() => Resource ?? Searchset?.ToBundle() ?? (Record is { Deleted: false } r ? ResourceSerializer.ParseTrustedJson(r.Json.Span) : null);

    public static FhirResponse ForRecord(ResourceRecord record, HttpStatusCode status, string baseUrl, bool withLocation) => new()
    {
        Status = status,
        Record = record,
        Subject = record,
        ETag = record.ETag,
        LastModified = record.LastUpdated,
        Location = withLocation ? $"{baseUrl}/{record.Type}/{record.Id}/_history/{record.Version}" : null,
    };

    /// <summary>The same status and headers with another body (or none).</summary>
    public FhirResponse WithBody(Resource? body) =>
        new() { Status = Status, Location = Location, ETag = ETag, LastModified = LastModified, Resource = body, Subject = Subject };

    public static FhirResponse ForError(FhirError e) => new() { Status = e.Status, Resource = e.Outcome };

}
