using FhirPractice.Fhir.Rest;

namespace FhirPractice.Security.Audit;

/// <summary>
/// A request to a staff endpoint beside the FHIR API — the HL7 v2 message store and outbound queue, which show raw
/// messages of every patient — reported to the audit trail (<see cref="IAuditTrail.RecordAsync(StaffAccess, CancellationToken)"/>)
/// once its answer is known, before it is sent.
/// </summary>
/// <param name="Endpoint">The endpoint's route, e.g. <c>/fhir/$hl7v2-messages/{id}</c>.</param>
/// <param name="Url">The request's URL with its query: what was asked for.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="Description">Why it failed.</param>
/// <param name="Patients">The ids of the patients whose data the answer showed or changed, as far as the endpoint knows them.</param>
public sealed record StaffAccess(string Endpoint, string Method, string Url, int Status, FhirCaller Caller, string RequestId,
    string? Description = null, IReadOnlyList<string>? Patients = null);
