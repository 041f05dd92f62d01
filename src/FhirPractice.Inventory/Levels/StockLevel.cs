using FhirPractice.Fhir;
using Hl7.Fhir.Model;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.Levels;

/// <summary>
/// The levels staff set for one item at one location, read from a Basic resource (code stock-level, subject the
/// item, extensions for the location and the levels): below <see cref="ReorderPoint"/> a draft SupplyRequest for
/// <see cref="ReorderQuantity"/> (else up to <see cref="Par"/>) is made; above <see cref="Maximum"/> is overstock.
/// </summary>
public sealed record StockLevel(string Source, string Item, string Location, decimal? Par, decimal? ReorderPoint, decimal? ReorderQuantity, decimal? Maximum)
{
    public static bool IsStockLevel(Basic basic) => basic.Code?.Coding.Any(c => c.System == InventorySystem && c.Code == StockLevelCode) == true;

    public static StockLevel Read(Basic basic)
    {
        var item = basic.Subject?.Reference;
        if (item is null || !ItemTypes.Any(t => item.StartsWith(t + "/", StringComparison.Ordinal)))
            throw FhirError.Unprocessable("A stock level's subject is the Medication, Device or Substance it is for", "Basic.subject");
        var location = basic.GetExtensionValue<ResourceReference>(LocationExtension)?.Reference;
        if (location is null || !location.StartsWith("Location/", StringComparison.Ordinal))
            throw FhirError.Unprocessable("A stock level names its Location (extension inventory-location)", "Basic.extension(inventory-location)");
        decimal? Level(string url, string name)
        {
            var value = basic.GetExtensionValue<FhirDecimal>(url)?.Value;
            return value < 0 ? throw FhirError.Unprocessable($"The {name} cannot be negative", $"Basic.extension({name})") : value;
        }
        var level = new StockLevel($"Basic/{basic.Id}", item, location, Level(ParExtension, "inventory-par-level"), Level(ReorderPointExtension, "inventory-reorder-point"),
            Level(ReorderQuantityExtension, "inventory-reorder-quantity"), Level(MaximumExtension, "inventory-maximum"));
        if (level.Maximum < level.ReorderPoint)
            throw FhirError.Unprocessable("The maximum is below the reorder point", "Basic.extension(inventory-maximum)");
        return level;
    }

    /// <summary>How much to order when the stock fell to <paramref name="onHand"/>.</summary>
    public decimal OrderQuantity(decimal onHand) =>
        ReorderQuantity is > 0 and var fixedQuantity ? fixedQuantity : Math.Max(1, (Par ?? Maximum ?? ReorderPoint ?? 0) - onHand);
}
