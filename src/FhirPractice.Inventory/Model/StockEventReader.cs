using System.Text.RegularExpressions;
using FhirPractice.Fhir;
using Hl7.Fhir.Model;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.Model;

/// <summary>
/// Reads a SupplyDelivery as a stock movement. It is one when it is completed and its suppliedItem refers to a
/// Medication, Device or Substance: a receipt (type receipt, or no movement type) adds at the destination, a
/// consumption takes from the source, a transfer moves from the source to the destination, an adjustment
/// (with a reason) takes from the source or adds at the destination. Every other SupplyDelivery is no stock
/// movement and is ignored; a movement that is incomplete is refused with a 422 naming the element.
/// </summary>
public static partial class StockEventReader
{
    public static StockEvent? Read(SupplyDelivery delivery, DateTimeOffset recorded)
    {
        if (delivery.Status != SupplyDelivery.SupplyDeliveryStatus.Completed) return null;
        if (delivery.SuppliedItem?.Item is not ResourceReference { Reference: { } itemReference }) return null;
        if (ItemTypes.FirstOrDefault(t => itemReference.StartsWith(t + "/", StringComparison.Ordinal)) is null) return null;
        var item = LocalReference(itemReference, "SupplyDelivery.suppliedItem.itemReference");

        var kind = delivery.Type?.Coding.FirstOrDefault(c => c.System == MovementSystem)?.Code ?? Receipt;
        if (kind is not (Receipt or Consumption or Transfer or Adjustment))
            throw FhirError.Unprocessable($"Unknown inventory movement '{kind}' (receipt, consumption, transfer or adjustment)", "SupplyDelivery.type");

        var quantity = delivery.SuppliedItem.Quantity?.Value
            ?? throw FhirError.Unprocessable("A stock movement needs suppliedItem.quantity", "SupplyDelivery.suppliedItem.quantity");
        if (quantity <= 0) throw FhirError.Unprocessable("suppliedItem.quantity must be positive", "SupplyDelivery.suppliedItem.quantity");

        var lot = delivery.SuppliedItem.GetStringExtension(LotNumberExtension) ?? "";
        if (lot.Any(char.IsControl)) throw FhirError.Unprocessable("A lot number has no control characters", "SupplyDelivery.suppliedItem.extension");
        DateOnly? expiry = null;
        if (delivery.SuppliedItem.GetExtensionValue<Date>(ExpirationDateExtension) is { } date)
            expiry = DateOnly.TryParseExact(date.Value, "yyyy-MM-dd", out var d) ? d
                : throw FhirError.Unprocessable("The lot's expiration date must be a full date (YYYY-MM-DD)", "SupplyDelivery.suppliedItem.extension");
        var unitCost = delivery.SuppliedItem.GetExtensionValue<Money>(UnitCostExtension)?.Value;
        if (unitCost < 0) throw FhirError.Unprocessable("The unit cost cannot be negative", "SupplyDelivery.suppliedItem.extension");

        var destination = delivery.Destination?.Reference is { } to ? LocalReference(to, "SupplyDelivery.destination") : null;
        var source = delivery.GetExtensionValue<ResourceReference>(SourceExtension)?.Reference is { } from
            ? LocalReference(from, "SupplyDelivery.extension(inventory-source)") : null;
        if (destination is not null && !destination.StartsWith("Location/", StringComparison.Ordinal))
            throw FhirError.Unprocessable("A stock movement's destination is a Location", "SupplyDelivery.destination");
        if (source is not null && !source.StartsWith("Location/", StringComparison.Ordinal))
            throw FhirError.Unprocessable("A stock movement's source is a Location", "SupplyDelivery.extension(inventory-source)");

        StockLine Add(string? location, string role) => new(item, location ?? throw Missing(kind, role), lot, quantity);
        StockLine Take(string? location, string role) => new(item, location ?? throw Missing(kind, role), lot, -quantity);
        IReadOnlyList<StockLine> lines = kind switch
        {
            Receipt => [Add(destination, "destination")],
            Consumption => [Take(source, "source")],
            Transfer when source == destination => throw FhirError.Unprocessable("A transfer moves stock between two different locations", "SupplyDelivery.destination"),
            Transfer => [Take(source, "source"), Add(destination, "destination")],
            _ when (source is null) == (destination is null) =>
                throw FhirError.Unprocessable("An adjustment either takes from a source or adds at a destination", "SupplyDelivery.destination"),
            _ => [source is not null ? Take(source, "source") : Add(destination, "destination")],
        };

        if (kind == Adjustment)
        {
            var reason = delivery.GetExtensionValue<CodeableConcept>(ReasonExtension)?.Coding.FirstOrDefault(c => c.System == AdjustmentReasonSystem)?.Code;
            if (reason is null || !AdjustmentReasons.Contains(reason))
                throw FhirError.Unprocessable($"An adjustment needs a reason from {AdjustmentReasonSystem} ({string.Join(", ", AdjustmentReasons)})",
                    "SupplyDelivery.extension(inventory-reason)");
        }

        var patient = delivery.Patient?.Reference is { } p ? LocalReference(p, "SupplyDelivery.patient") : null;
        var time = delivery.Occurrence switch
        {
            null => recorded,
            FhirDateTime at => at.ToDateTimeOffset(TimeSpan.Zero),
            Period { EndElement: { } end } => end.ToDateTimeOffset(TimeSpan.Zero),
            Period { StartElement: { } start } => start.ToDateTimeOffset(TimeSpan.Zero),
            _ => throw FhirError.Unprocessable("A stock movement's occurrence is a dateTime or a Period", "SupplyDelivery.occurrence"),
        };
        return new StockEvent(delivery.Id ?? "", kind, time.ToUniversalTime(), lines, expiry, unitCost, patient,
            delivery.GetStringExtension(FefoOverrideExtension));
    }

    private static FhirError Missing(string kind, string role) =>
        FhirError.Unprocessable($"A {kind} needs its {role} Location", role == "source" ? "SupplyDelivery.extension(inventory-source)" : "SupplyDelivery.destination");

    /// <summary>Stock is kept on local resources: a reference is "Type/id".</summary>
    private static string LocalReference(string reference, string location) =>
        LocalReferencePattern().IsMatch(reference) ? reference
            : throw FhirError.Unprocessable($"'{reference}' is not a local reference (Type/id)", location);

    [GeneratedRegex(@"^[A-Z][A-Za-z]+/[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex LocalReferencePattern();
}
