namespace FhirPractice.Inventory.Model;

/// <summary>
/// One change of one stock bucket — an item's lot at a location — by a signed quantity (in the item's unit).
/// Items, locations and lots are kept as the text that names them: "Medication/abc", "Location/room-1", the
/// lot number ("" for stock not kept by lot).
/// </summary>
public sealed record StockLine(string Item, string Location, string Lot, decimal Quantity);

/// <summary>
/// A stock movement as the ledger sees it, read from one SupplyDelivery version (<see cref="StockEventReader"/>).
/// </summary>
/// <param name="Id">The SupplyDelivery's id: a new version of it replaces the lines of the previous one.</param>
/// <param name="Kind">One of the movement codes of <see cref="InventoryVocabulary"/>.</param>
/// <param name="Time">When the movement happened (occurrence), which orders the ledger; not when it was recorded.</param>
/// <param name="Expiry">The lot's expiry date, as a receipt states it.</param>
/// <param name="UnitCost">What one unit cost, as a receipt states it (FIFO valuation).</param>
/// <param name="Patient">Whom a consumption was for ("Patient/1"), for recalls and charges.</param>
/// <param name="FefoOverride">Why a consumption took another lot than the first to expire.</param>
public sealed record StockEvent(
    string Id,
    string Kind,
    DateTimeOffset Time,
    IReadOnlyList<StockLine> Lines,
    DateOnly? Expiry = null,
    decimal? UnitCost = null,
    string? Patient = null,
    string? FefoOverride = null)
{
    public string Item => Lines[0].Item;
    public string Lot => Lines[0].Lot;
}
