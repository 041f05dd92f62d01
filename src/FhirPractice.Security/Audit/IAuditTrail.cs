namespace FhirPractice.Security.Audit;

/// <summary>
/// The audit trail for parts of the product that are not FHIR interactions — the authorization server's logins and
/// tokens, the staff endpoints beside the FHIR API. Each <c>RecordAsync</c> completes once the AuditEvent is durably
/// appended to the hash chain; a failure throws, and the caller should then refuse what it was about to grant or
/// answer (audit fails closed).
/// </summary>
public interface IAuditTrail
{
    Task RecordAsync(SecurityEvent securityEvent, CancellationToken ct = default);

    Task RecordAsync(StaffAccess access, CancellationToken ct = default);
}
