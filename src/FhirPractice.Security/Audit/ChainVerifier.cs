using FhirPractice.Fhir.Storage;

namespace FhirPractice.Security.Audit;

/// <summary>The verdict on the audit chain.</summary>
/// <param name="Checked">How many chained AuditEvent versions were checked.</param>
/// <param name="Head">The chain's length as the store's head recorded it when the check began.</param>
/// <param name="FirstBadId">The earliest AuditEvent found altered, out of place or following a gap; null when intact.</param>
/// <param name="FirstBadSequence">Its sequence number (or where the gap is).</param>
/// <param name="Problem">What is wrong there.</param>
public sealed record ChainReport(long Checked, long Head, string? FirstBadId, long? FirstBadSequence, string? Problem)
{
    public bool Intact => Problem is null;
}

/// <summary>
/// Checks the audit trail's hash chain (<see cref="AuditChain"/>) over every stored AuditEvent version, newest first
/// (the store's history order, which is the chain's order reversed): each event's bytes must hash to its own hash, its
/// sequence must be one less than its successor's, and its hash must be what its successor names as predecessor. The
/// newest events must reach the head the store recorded (else the newest were removed), and the oldest must be number
/// 1 with the zero predecessor (else the oldest were removed). It reports the earliest problem in chain order.
/// AuditEvents without chain fields (written by clients) are not part of the chain and are skipped.
/// </summary>
public sealed class ChainVerifier(IResourceStore store)
{
    private const int PageSize = 1000;

    public async Task<ChainReport> VerifyAsync(CancellationToken ct = default)
    {
        var head = await store.WriteAsync(tx => tx.ReadChainHead(AuditChain.Name), ct) ?? new ChainLink(0, AuditChain.Zero);
        long count = 0;
        (string Id, long Sequence, string Previous)? successor = null;
        (string? Id, long Sequence, string Problem)? earliest = null;
        void Problem(string? id, long sequence, string problem)
        {
            if (earliest is null || sequence <= earliest.Value.Sequence) earliest = (id, sequence, problem);
        }

        long? before = null;
        do
        {
            var page = await store.HistoryAsync(new HistoryQuery("AuditEvent", null, null, null, PageSize, before), ct);
            foreach (var record in page.Entries)
            {
                if (record.Deleted || AuditChain.Read(record.Json.Span) is not { } fields) continue;
                count++;
                if (!fields.Intact) Problem(record.Id, fields.Sequence, $"AuditEvent/{record.Id} (number {fields.Sequence}) was altered: its content no longer matches its hash");
                if (successor is { } next)
                {
                    if (fields.Sequence != next.Sequence - 1)
                        Problem(next.Id, next.Sequence, $"AuditEvent/{next.Id} (number {next.Sequence}) follows number {fields.Sequence}: the events between were removed or reordered");
                    else if (fields.Hash != next.Previous)
                        Problem(next.Id, next.Sequence, $"AuditEvent/{next.Id} (number {next.Sequence}) does not follow the stored number {fields.Sequence}: its predecessor was altered or replaced");
                }
                else if (fields.Sequence < head.Sequence)
                    Problem(record.Id, fields.Sequence + 1, $"The newest events were removed: the chain ends at number {fields.Sequence}, its head says {head.Sequence}");
                if (fields.Sequence == head.Sequence && fields.Hash != head.Hash)
                    Problem(record.Id, fields.Sequence, $"AuditEvent/{record.Id} (number {fields.Sequence}) is not the event the chain's head recorded");
                successor = (record.Id, fields.Sequence, fields.Previous);
            }
            before = page.Next;
        } while (before is not null);

        if (successor is { } oldest && (oldest.Sequence != 1 || oldest.Previous != AuditChain.Zero))
            Problem(oldest.Id, oldest.Sequence, $"The oldest events were removed: the chain starts at AuditEvent/{oldest.Id} (number {oldest.Sequence})");
        if (successor is null && head.Sequence > 0)
            Problem(null, 1, $"Every chained AuditEvent was removed; the chain's head says {head.Sequence}");
        return new ChainReport(count, head.Sequence, earliest?.Id, earliest?.Sequence, earliest?.Problem);
    }
}
