using System.Text;
using FhirPractice.Billing.Patients;
using FhirPractice.Billing.Posting;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Ledger;

/// <summary>
/// Keeps the A/R ledger and the work queues in the write's own store transaction, so a posting commits or rolls back
/// with the resources it comes from: each version of a Claim, ExplanationOfBenefit, PaymentReconciliation or
/// PaymentNotice replaces what its previous version posted (<see cref="LedgerProjection"/>). It also refuses, with a
/// 4xx before anything of the version is written, a PaymentNotice holding a card number and a second
/// PaymentReconciliation for an 835 payment already posted (same payer and trace number).
/// </summary>
public sealed class LedgerWriteHook(LedgerProjection projection) : IWriteHook
{
    public void Writing(IStoreTransaction transaction, ResourceWrite write)
    {
        if (write.Deleted) return;
        if (write.Type == "PaymentNotice" && CardNumbers.Contains(Encoding.UTF8.GetString(write.Json.Span)))
            throw FhirError.Unprocessable("A PaymentNotice records the payment processor's token (payment.identifier with system " +
                PostingSystems.ProcessorToken + "), never a card number", "PaymentNotice");
        if (write.Type == "PaymentReconciliation" && TraceOf((PaymentReconciliation)write.Resource()) is { } trace
            && transaction.ReadState(LedgerKeys.Trace, trace)?.Value is { } owner && owner != $"PaymentReconciliation/{write.Id}")
            throw FhirError.Conflict($"The 835 payment {trace} is already posted as {owner}");
    }

    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        if (write.Type is not ("Claim" or "ExplanationOfBenefit" or "PaymentReconciliation" or "PaymentNotice")) return;
        var resource = write.Deleted ? null : write.Resource();
        if (resource is PaymentReconciliation reconciliation && TraceOf(reconciliation) is { } trace)
            transaction.SaveState(new StateEntry(LedgerKeys.Trace, trace, $"PaymentReconciliation/{write.Id}"));
        Replace(transaction, $"{write.Type}/{write.Id}", resource is null ? ([], []) : projection.Of(transaction, resource));
    }

    public void Committed() { }

    /// <summary>The 835 payment's trace number a reconciliation posts, which one reconciliation alone may hold.</summary>
    private static string? TraceOf(PaymentReconciliation reconciliation) =>
        reconciliation.Identifier.FirstOrDefault(i => i.System == PostingSystems.RemittanceTrace)?.Value;

    private static void Replace(IStoreTransaction tx, string source, (List<LedgerEntry> Entries, List<WorkItem> WorkItems) postings)
    {
        if (tx.ReadState(LedgerKeys.Source, source) is { } previous)
        {
            var keys = LedgerKeys.Read<PostedKeys>(previous.Value);
            foreach (var key in keys.Entries) tx.DeleteState(LedgerKeys.Entry, key);
            foreach (var key in keys.WorkItems) tx.DeleteState(LedgerKeys.WorkItem, key);
            tx.DeleteState(LedgerKeys.Source, source);
        }
        if (postings.Entries.Count == 0 && postings.WorkItems.Count == 0) return;
        var posted = new PostedKeys([], []);
        for (var n = 0; n < postings.Entries.Count; n++)
        {
            var key = LedgerKeys.EntryKey(postings.Entries[n].Patient, source, n);
            tx.SaveState(new StateEntry(LedgerKeys.Entry, key, LedgerKeys.Write(postings.Entries[n])));
            posted.Entries.Add(key);
        }
        for (var n = 0; n < postings.WorkItems.Count; n++)
        {
            var key = LedgerKeys.WorkItemKey(postings.WorkItems[n].Queue, source, n);
            tx.SaveState(new StateEntry(LedgerKeys.WorkItem, key, LedgerKeys.Write(postings.WorkItems[n])));
            posted.WorkItems.Add(key);
        }
        tx.SaveState(new StateEntry(LedgerKeys.Source, source, LedgerKeys.Write(posted)));
    }

    private sealed record PostedKeys(List<string> Entries, List<string> WorkItems);
}
