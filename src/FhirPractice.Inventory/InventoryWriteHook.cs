using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Inventory.FollowUps;
using FhirPractice.Inventory.Ledger;
using FhirPractice.Inventory.Levels;
using FhirPractice.Inventory.Model;
using Hl7.Fhir.Model;

namespace FhirPractice.Inventory;

/// <summary>
/// Keeps the stock ledger in step with the resources, inside each write's own transaction: a SupplyDelivery
/// version replaces what its previous version did to the stock (a deletion or a status other than completed
/// takes it back), a stock-level Basic sets the levels, and the watch raises reorders and alerts. A change the
/// stock cannot take (below zero, an expired lot, not first-expiry-first-out) throws, and the write rolls back.
/// </summary>
public sealed class InventoryWriteHook(FollowUpSignal signal, PracticeCalendar calendar) : IWriteHook
{
    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        switch (write.Type)
        {
            case "SupplyDelivery": Delivery(transaction, write); break;
            case "Basic": Level(transaction, write); break;
        }
    }

    public void Committed() => signal.Wake();

    private void Delivery(IStoreTransaction tx, ResourceWrite write)
    {
        var stockEvent = write.Deleted ? null : StockEventReader.Read((SupplyDelivery)write.Resource(), tx.Timestamp);
        var known = tx.ReadState(StockKeys.Event, write.Id) is not null;
        if (stockEvent is null && !known) return;
        foreach (var (item, location) in new StockLedger(tx, calendar).Replace(write.Id, stockEvent))
            StockWatch.Check(tx, item, location, tx.Timestamp, stockMoved: true);
        if (!known && stockEvent is { Kind: InventoryVocabulary.Consumption, Patient: { } patient })
            FollowUpQueue.Add(tx, new FollowUp(FollowUp.Charge, write.Id, stockEvent.Item, stockEvent.Lines[0].Location, stockEvent.Time,
                Quantity: -stockEvent.Lines[0].Quantity, Patient: patient, Event: $"SupplyDelivery/{write.Id}"));
    }

    private static void Level(IStoreTransaction tx, ResourceWrite write)
    {
        var basic = write.Deleted ? null : (Basic)write.Resource();
        var level = basic is not null && StockLevel.IsStockLevel(basic) ? StockLevel.Read(basic) : null;
        var source = $"Basic/{write.Id}";
        // A level moved to another item or location, or no longer a level, stops applying where it was.
        if (tx.ReadState(StockKeys.LevelSource, source) is { } previous && (level is null || previous.Value != StockKeys.Join(level.Item, level.Location)))
        {
            tx.DeleteState(StockKeys.Level, previous.Value);
            tx.DeleteState(StockKeys.LevelSource, source);
        }
        if (level is null) return;
        var key = StockKeys.Join(level.Item, level.Location);
        tx.SaveState(new StateEntry(StockKeys.Level, key, StateJson.Write(level)));
        tx.SaveState(new StateEntry(StockKeys.LevelSource, source, key));
        StockWatch.Check(tx, level.Item, level.Location, tx.Timestamp, stockMoved: false);
    }
}
