using System.Net;
using FhirPractice.Fhir;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// An HTTP request feature: the request's bearer token was refused (invalid, expired, revoked, or for another server).
/// The FHIR doors answer it with <see cref="Error"/> (401, and an RFC 6750 <c>invalid_token</c> challenge) instead of
/// treating the request as anonymous.
/// </summary>
public sealed record RefusedToken(string Reason)
{
    public FhirError Error => new(HttpStatusCode.Unauthorized, OperationOutcome.IssueType.Login, Reason);

    /// <summary>The <c>WWW-Authenticate</c> challenge that says why.</summary>
    public string Challenge(string realm) => $"Bearer realm=\"{realm}\", error=\"invalid_token\", error_description=\"{Reason}\"";
}
