using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using FhirPractice.Inventory.Model;
using static FhirPractice.Inventory.Ledger.StockKeys;

namespace FhirPractice.Inventory.Ledger;

/// <summary>
/// The stock ledger and its projections, kept in module state inside the store's write transaction. Each bucket
/// (item, location, lot) has its lines ordered by event time (then by when they were recorded), each with the
/// running balance after it; the on-hand entry is the balance after all of them. A line recorded late (a
/// backdated event) shifts the running balance of every later line. No running balance may go below zero:
/// the change that would do it is refused with a 409, and the transaction rolls back. Because the store has a
/// single writer, two consumptions of the last unit are checked one after the other: the second one fails.
/// </summary>
public sealed class StockLedger(IStoreTransaction tx, PracticeCalendar calendar)
{
    /// <summary>Replaces what event <paramref name="eventId"/> did to the stock by <paramref name="stockEvent"/> (null: nothing).
    /// Returns the (item, location) pairs whose stock changed.</summary>
    public IReadOnlyCollection<(string Item, string Location)> Replace(string eventId, StockEvent? stockEvent)
    {
        var touched = new HashSet<(string, string)>();
        // The previous version's takings go back first and its additions last, so a correction that keeps the
        // quantities never fails for want of the stock it already holds.
        var previous = tx.ReadState(Event, eventId) is { } entry ? StateJson.Read<EventValue>(entry.Value) : null;
        var previousLines = previous?.Lines.Select(k => (Key: k, Value: tx.ReadState(Line, k))).Where(l => l.Value is not null)
            .Select(l => (l.Key, StateJson.Read<LineValue>(l.Value!.Value).Q)).ToList() ?? [];
        foreach (var (key, _) in previousLines.Where(l => l.Q < 0)) touched.Add(RemoveLine(key));
        if (previous is not null)
        {
            if (previous.Recall is not null) tx.DeleteState(Recall, previous.Recall);
            if (previous.Receipt is not null) tx.DeleteState(Receipt, previous.Receipt);
            tx.DeleteState(Event, eventId);
        }

        var lines = new List<string>();
        if (stockEvent is not null)
        {
            if (stockEvent.Expiry is { } expiry)
                tx.SaveState(new StateEntry(Lot, Join(stockEvent.Item, stockEvent.Lot), StateJson.Write(new LotValue(expiry))));
            var ticks = Ticks(stockEvent.Time);
            foreach (var line in stockEvent.Lines)
            {
                if (line.Quantity < 0) CheckUsable(stockEvent, line);
                lines.Add(AddLine(line, ticks, stockEvent));
                touched.Add((line.Item, line.Location));
            }
        }
        foreach (var (key, _) in previousLines.Where(l => l.Q >= 0)) touched.Add(RemoveLine(key));
        if (stockEvent is null) return touched;

        string? recall = null, receipt = null;
        if (stockEvent is { Kind: InventoryVocabulary.Consumption, Patient: { } patient })
        {
            var line = stockEvent.Lines[0];
            recall = Join(line.Lot, line.Item, eventId);
            tx.SaveState(new StateEntry(Recall, recall, StateJson.Write(new RecallValue(patient, line.Item, line.Lot, line.Location, -line.Quantity, stockEvent.Time, eventId))));
        }
        if (stockEvent.Kind == InventoryVocabulary.Receipt)
        {
            receipt = Join(stockEvent.Item, Sortable(Ticks(stockEvent.Time)), eventId);
            tx.SaveState(new StateEntry(Receipt, receipt, StateJson.Write(new ReceiptValue(stockEvent.Lines[0].Quantity, stockEvent.UnitCost, eventId))));
        }
        tx.SaveState(new StateEntry(Event, eventId, StateJson.Write(new EventValue(lines, recall, receipt))));
        return touched;
    }

    /// <summary>Stock taken out for use must not be expired, and a consumption takes the lot that expires first unless it says why not.</summary>
    private void CheckUsable(StockEvent e, StockLine line)
    {
        if (e.Kind == InventoryVocabulary.Adjustment) return; // destroying expired or damaged stock is what adjustments are for
        var day = calendar.DayOf(e.Time);
        var expiry = ExpiryOf(line.Item, line.Lot);
        if (expiry < day)
            throw FhirError.Unprocessable($"Lot '{line.Lot}' of {line.Item} expired on {expiry:yyyy-MM-dd}; expired stock can only be destroyed (an adjustment)",
                "SupplyDelivery.suppliedItem");
        if (e.Kind != InventoryVocabulary.Consumption || e.FefoOverride is not null) return;
        var first = FirstToExpire(line.Item, line.Location, day);
        if (first is not null && first.Value.Lot != line.Lot && (first.Value.Expiry ?? DateOnly.MaxValue) < (expiry ?? DateOnly.MaxValue))
            throw FhirError.Unprocessable($"Lot '{first.Value.Lot}' of {line.Item} at {line.Location} expires first (first-expiry-first-out); " +
                $"to take lot '{line.Lot}', give the reason in the extension {InventoryVocabulary.FefoOverrideExtension}", "SupplyDelivery.suppliedItem");
    }

    /// <summary>The lot with stock at the location, not expired on <paramref name="day"/>, that expires first (lots without expiry last).</summary>
    public (string Lot, DateOnly? Expiry)? FirstToExpire(string item, string location, DateOnly day)
    {
        (string, DateOnly?)? best = null;
        foreach (var entry in tx.ScanState(StockKeys.Range(OnHand, Prefix(item, location))))
        {
            if (StateJson.Read<OnHandValue>(entry.Value).Q <= 0) continue;
            var lot = Split(entry.Key)[2];
            var expiry = ExpiryOf(item, lot);
            if (expiry < day) continue;
            if (best is null || (expiry ?? DateOnly.MaxValue) < (best.Value.Item2 ?? DateOnly.MaxValue)) best = (lot, expiry);
        }
        return best;
    }

    public DateOnly? ExpiryOf(string item, string lot) =>
        tx.ReadState(Lot, Join(item, lot)) is { } entry ? StateJson.Read<LotValue>(entry.Value).Expiry : null;

    private string AddLine(StockLine line, long ticks, StockEvent e)
    {
        var bucket = Bucket(line.Item, line.Location, line.Lot);
        var key = LineKey(bucket, ticks, NextSequence());
        var before = tx.ScanState(new StateRange(Line, AtOrBefore(bucket, ticks), PrefixEnd(Prefix(bucket)), 1)) is [var prior]
            ? StateJson.Read<LineValue>(prior.Value).B : 0m;
        var balance = before + line.Quantity;
        if (balance < 0) throw Shortage(line, before, e.Time);
        tx.SaveState(new StateEntry(Line, key, StateJson.Write(new LineValue(line.Quantity, balance, e.Id, e.Kind, ticks))));
        ShiftLater(bucket, key, line.Quantity, line);
        AddOnHand(bucket, line.Quantity);
        return key;
    }

    private (string Item, string Location) RemoveLine(string key)
    {
        var parts = Split(key);
        var bucket = Join(parts[0], parts[1], parts[2]);
        if (tx.ReadState(Line, key) is not { } entry) return (parts[0], parts[1]);
        var value = StateJson.Read<LineValue>(entry.Value);
        tx.DeleteState(Line, key);
        var line = new StockLine(parts[0], parts[1], parts[2], -value.Q);
        ShiftLater(bucket, key, -value.Q, line);
        AddOnHand(bucket, -value.Q);
        return (parts[0], parts[1]);
    }

    /// <summary>Adds <paramref name="delta"/> to the running balance of every line of the bucket after <paramref name="key"/> (they sort before it).</summary>
    private void ShiftLater(string bucket, string key, decimal delta, StockLine change)
    {
        var from = Prefix(bucket);
        while (true)
        {
            var page = tx.ScanState(new StateRange(Line, from, key, 500));
            foreach (var entry in page)
            {
                var value = StateJson.Read<LineValue>(entry.Value);
                var balance = value.B + delta;
                if (balance < 0) throw Shortage(change with { Quantity = delta }, value.B - value.Q, new DateTimeOffset(value.T, TimeSpan.Zero), later: true);
                tx.SaveState(entry with { Value = StateJson.Write(value with { B = balance }) });
            }
            if (page.Count < 500) return;
            from = page[^1].Key + '\0';
        }
    }

    private void AddOnHand(string bucket, decimal delta)
    {
        // Kept at zero too: the on-hand entries are also the list of every bucket ever used (as-of queries).
        var current = tx.ReadState(OnHand, bucket) is { } entry ? StateJson.Read<OnHandValue>(entry.Value).Q : 0m;
        tx.SaveState(new StateEntry(OnHand, bucket, StateJson.Write(new OnHandValue(current + delta))));
    }

    private long NextSequence()
    {
        var next = tx.ReadState(Sequence, "line") is { } entry ? long.Parse(entry.Value) + 1 : 1;
        tx.SaveState(new StateEntry(Sequence, "line", next.ToString()));
        return next;
    }

    private static FhirError Shortage(StockLine line, decimal available, DateTimeOffset at, bool later = false) =>
        FhirError.Conflict(later
            ? $"Not enough stock of {line.Item} lot '{line.Lot}' at {line.Location}: this change would leave the balance below zero on {at:u}, when later movements took stock"
            : $"Not enough stock of {line.Item} lot '{line.Lot}' at {line.Location}: {available} on hand on {at:u}, {-line.Quantity} needed");
}
