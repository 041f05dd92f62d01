namespace FhirPractice.Inventory.Model;

/// <summary>
/// The URLs of the extensions and code systems the inventory model adds to R4 (see docs/inventory.md):
/// R4 has no inventory resource, so stock movements are SupplyDeliveries with these few extensions.
/// </summary>
public static class InventoryVocabulary
{
    private const string Base = "http://fhirpractice.org/fhir";

    /// <summary>SupplyDelivery.type codes: what a movement does to the stock.</summary>
    public const string MovementSystem = Base + "/CodeSystem/inventory-movement";
    public const string Receipt = "receipt", Consumption = "consumption", Transfer = "transfer", Adjustment = "adjustment";

    /// <summary>Why an adjustment changed the stock (extension <see cref="ReasonExtension"/>).</summary>
    public const string AdjustmentReasonSystem = Base + "/CodeSystem/inventory-adjustment-reason";
    public static readonly IReadOnlySet<string> AdjustmentReasons = new HashSet<string> { "cycle-count", "damage", "expiry-destruction" };

    /// <summary>Communication.category of the alerts the module raises.</summary>
    public const string AlertSystem = Base + "/CodeSystem/inventory-alert";
    public const string LowStock = "low-stock", Overstock = "overstock", Stockout = "stockout";
    public static string ExpiryAlert(int days) => $"expiry-{days}";

    /// <summary>Identifier system of the resources the module creates itself, so their creation is idempotent.</summary>
    public const string FollowUpIdentifierSystem = Base + "/inventory-follow-up";

    // On SupplyDelivery.suppliedItem: the lot and what one unit cost.
    public const string LotNumberExtension = Base + "/StructureDefinition/inventory-lot-number";
    public const string ExpirationDateExtension = Base + "/StructureDefinition/inventory-expiration-date";
    public const string UnitCostExtension = Base + "/StructureDefinition/inventory-unit-cost";

    // On SupplyDelivery: where stock is taken from, why it was adjusted, why FEFO was overridden.
    public const string SourceExtension = Base + "/StructureDefinition/inventory-source";
    public const string ReasonExtension = Base + "/StructureDefinition/inventory-reason";
    public const string FefoOverrideExtension = Base + "/StructureDefinition/inventory-fefo-override";

    /// <summary>The module's own codes (Basic.code of a stock level).</summary>
    public const string InventorySystem = Base + "/CodeSystem/inventory";

    /// <summary>Basic.code of a stock level (par, reorder point, reorder quantity, maximum of an item at a location).</summary>
    public const string StockLevelCode = "stock-level";
    public const string LocationExtension = Base + "/StructureDefinition/inventory-location";
    public const string ParExtension = Base + "/StructureDefinition/inventory-par-level";
    public const string ReorderPointExtension = Base + "/StructureDefinition/inventory-reorder-point";
    public const string ReorderQuantityExtension = Base + "/StructureDefinition/inventory-reorder-quantity";
    public const string MaximumExtension = Base + "/StructureDefinition/inventory-maximum";

    /// <summary>On a Medication, Device or Substance: consuming it creates a ChargeItem.</summary>
    public const string BillableExtension = Base + "/StructureDefinition/inventory-billable";
    public const string NdcSystem = "http://hl7.org/fhir/sid/ndc";

    public static readonly IReadOnlySet<string> ItemTypes = new HashSet<string> { "Medication", "Device", "Substance" };
}
