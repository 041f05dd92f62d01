using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>
/// Appends AuditEvents that record no write (reads, searches, failures, security events) in a write transaction of
/// their own, durably before the caller goes on. They are prepared (indexed, serialised) on the caller's thread; the
/// single writer only links and stores them, and its group commit shares one commit among concurrent callers.
/// </summary>
public sealed class AuditTrail(IResourceStore store, AuditChain chain, BalpAuditEvents events, TimeProvider clock) : IAuditTrail
{
    public async System.Threading.Tasks.Task AppendAsync(IReadOnlyList<AuditEvent> auditEvents, CancellationToken ct)
    {
        if (auditEvents.Count == 0) return;
        var prepared = auditEvents.Select(chain.Prepare).ToList();
        // Not cancelled with the request: an interaction that happened is recorded even when its client went away.
        await store.WriteAsync(tx =>
        {
            chain.Append(tx, prepared);
            return prepared.Count;
        }, CancellationToken.None);
    }

    public System.Threading.Tasks.Task RecordAsync(SecurityEvent securityEvent, CancellationToken ct = default) =>
        AppendAsync([events.Security(securityEvent, clock.GetUtcNow())], ct);

    public System.Threading.Tasks.Task RecordAsync(StaffAccess access, CancellationToken ct = default) =>
        AppendAsync([.. events.Staff(access, clock.GetUtcNow())], ct);
}
