using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Inventory.Ledger;

namespace FhirPractice.Inventory.FollowUps;

/// <summary>Adds follow-ups to the queue inside a write transaction, in order.</summary>
public static class FollowUpQueue
{
    public static void Add(IStoreTransaction tx, FollowUp followUp)
    {
        var next = tx.ReadState(StockKeys.Sequence, "follow-up") is { } entry ? long.Parse(entry.Value) + 1 : 1;
        tx.SaveState(new StateEntry(StockKeys.Sequence, "follow-up", next.ToString()));
        tx.SaveState(new StateEntry(StockKeys.FollowUp, StockKeys.Sortable(next), StateJson.Write(followUp)));
    }

    public static string NewId() => ResourcePreparer.NewId();
}
