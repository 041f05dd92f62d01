using System.Net;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir;

/// <summary>
/// An error a client caused (or a precondition that failed): carries the HTTP status and the
/// OperationOutcome that says what and where. Thrown anywhere in the engine; every door turns it
/// into its own answer (an HTTP 4xx, an HL7 ACK, a CLI message).
/// </summary>
public sealed class FhirError : Exception
{
    public HttpStatusCode Status { get; }
    public OperationOutcome Outcome { get; }

    public FhirError(HttpStatusCode status, OperationOutcome outcome)
        : base(outcome.Issue.FirstOrDefault()?.Diagnostics ?? status.ToString())
    {
        Status = status;
        Outcome = outcome;
    }

    public FhirError(HttpStatusCode status, OperationOutcome.IssueType type, string diagnostics, string? location = null)
        : this(status, Issue(type, diagnostics, location)) { }

    public static OperationOutcome Issue(OperationOutcome.IssueType type, string diagnostics, string? location = null,
        OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = severity, Code = type, Diagnostics = diagnostics };
        if (location is not null) issue.Expression = [location];
        return new OperationOutcome { Issue = [issue] };
    }

    public static FhirError BadRequest(string diagnostics, string? location = null) =>
        new(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, diagnostics, location);

    public static FhirError Unprocessable(string diagnostics, string? location = null) =>
        new(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Processing, diagnostics, location);

    public static FhirError NotFound(string diagnostics) =>
        new(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound, diagnostics);

    public static FhirError Gone(string diagnostics) =>
        new(HttpStatusCode.Gone, OperationOutcome.IssueType.Deleted, diagnostics);

    public static FhirError Conflict(string diagnostics) =>
        new(HttpStatusCode.Conflict, OperationOutcome.IssueType.Conflict, diagnostics);

    public static FhirError PreconditionFailed(string diagnostics) =>
        new(HttpStatusCode.PreconditionFailed, OperationOutcome.IssueType.Conflict, diagnostics);

    public static FhirError NotSupported(string diagnostics) =>
        new(HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, diagnostics);
}
