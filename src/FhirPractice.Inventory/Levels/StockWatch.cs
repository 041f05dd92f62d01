using FhirPractice.Fhir.Storage;
using FhirPractice.Inventory.FollowUps;
using FhirPractice.Inventory.Ledger;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.Levels;

/// <summary>Where an item at a location stands against its levels, so each crossing raises its follow-ups once.</summary>
/// <param name="Reorder">The open reorder's SupplyRequest id while the stock is below the reorder point.</param>
public sealed record WatchValue(string? Reorder, bool Over, bool Out);

/// <summary>
/// After the stock of an item at a location changed (inside the write transaction): falling below the reorder point
/// queues one draft SupplyRequest and a low-stock alert, and no more until the stock is back at or above it; rising
/// above the maximum queues one overstock alert; a movement that leaves nothing queues one stockout alert.
/// </summary>
public static class StockWatch
{
    public static void Check(IStoreTransaction tx, string item, string location, DateTimeOffset at, bool stockMoved)
    {
        var onHand = tx.ScanState(StockKeys.Range(StockKeys.OnHand, StockKeys.Prefix(item, location))).Sum(e => StateJson.Read<OnHandValue>(e.Value).Q);
        var level = tx.ReadState(StockKeys.Level, StockKeys.Join(item, location)) is { } l ? StateJson.Read<StockLevel>(l.Value) : null;
        var key = StockKeys.Join(item, location);
        var before = tx.ReadState(StockKeys.Watch, key) is { } w ? StateJson.Read<WatchValue>(w.Value) : new WatchValue(null, false, false);
        var now = before;

        if (onHand <= 0 && !before.Out && stockMoved)
        {
            FollowUpQueue.Add(tx, new FollowUp(FollowUp.AlertKind, FollowUpQueue.NewId(), item, location, at, Stockout, $"Stockout: no {item} left at {location}"));
            now = now with { Out = true };
        }
        else if (onHand > 0) now = now with { Out = false };

        if (level?.ReorderPoint is { } reorderPoint && onHand < reorderPoint && before.Reorder is null)
        {
            var request = FollowUpQueue.NewId();
            var quantity = level.OrderQuantity(onHand);
            FollowUpQueue.Add(tx, new FollowUp(FollowUp.SupplyRequest, request, item, location, at, Quantity: quantity));
            FollowUpQueue.Add(tx, new FollowUp(FollowUp.AlertKind, FollowUpQueue.NewId(), item, location, at, LowStock,
                $"Low stock: {onHand} of {item} at {location}, below the reorder point {reorderPoint}; draft order of {quantity}",
                AboutRequest: request));
            now = now with { Reorder = request };
        }
        else if (level?.ReorderPoint is not { } point || onHand >= point) now = now with { Reorder = null };

        if (level?.Maximum is { } maximum && onHand > maximum)
        {
            if (!before.Over)
                FollowUpQueue.Add(tx, new FollowUp(FollowUp.AlertKind, FollowUpQueue.NewId(), item, location, at, Overstock,
                    $"Overstock: {onHand} of {item} at {location}, above the maximum {maximum}"));
            now = now with { Over = true };
        }
        else now = now with { Over = false };

        if (now != before) tx.SaveState(new StateEntry(StockKeys.Watch, key, StateJson.Write(now)));
    }
}
