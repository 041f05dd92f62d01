using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Inventory.Ledger;
using Hl7.Fhir.Model;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.Operations;

/// <summary>
/// The read-only inventory operations at system level, answering Parameters: <c>$stock-level</c> (now or as of
/// any instant), <c>$recall</c> (who received a lot), <c>$valuation</c> (FIFO cost of the stock on hand) and
/// <c>$turnover</c> (units consumed over a period against the average stock).
/// </summary>
public sealed class InventoryReports(StockQueries queries, TimeProvider clock, PracticeCalendar calendar)
{
    private static readonly string[] ItemTypeNames = [.. ItemTypes];

    public IEnumerable<FhirOperation> Definitions =>
    [
        new("stock-level", InventoryOperations.DefinitionBase + "stock-level", System: true, Type: false, Instance: false, Types: [], Handler: StockLevelAsync),
        new("recall", InventoryOperations.DefinitionBase + "recall", System: true, Type: false, Instance: false, Types: [], Handler: RecallAsync),
        new("valuation", InventoryOperations.DefinitionBase + "valuation", System: true, Type: false, Instance: false, Types: [], Handler: ValuationAsync),
        new("turnover", InventoryOperations.DefinitionBase + "turnover", System: true, Type: false, Instance: false, Types: [], Handler: TurnoverAsync),
    ];

    private async Task<FhirResponse> StockLevelAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var input = OperationInput.Read(r, calendar, "stock-level", "item", "location", "lot", "date");
        var item = input.Reference("item", ItemTypeNames);
        var location = input.Reference("location", "Location");
        var lot = input.Text("lot");
        if (item is null && (location is not null || lot is not null)) throw FhirError.BadRequest("$stock-level: 'location' and 'lot' narrow an 'item'", "item");
        var date = input.Instant("date");
        var result = new Parameters();
        var total = 0m;
        foreach (var bucket in await queries.OnHandAsync(item, location, lot, ct))
        {
            var quantity = date is { } at ? await queries.BalanceAsync(bucket.Item, bucket.Location, bucket.Lot, at, ct) : bucket.Quantity;
            if (quantity == 0) continue;
            total += quantity;
            var part = new Parameters.ParameterComponent
            {
                Name = "stock",
                Part =
                [
                    new() { Name = "item", Value = new ResourceReference(bucket.Item) },
                    new() { Name = "location", Value = new ResourceReference(bucket.Location) },
                    new() { Name = "lot", Value = new FhirString(bucket.Lot) },
                    new() { Name = "quantity", Value = new FhirDecimal(quantity) },
                ],
            };
            if (bucket.Expiry is { } expiry) part.Part.Add(new() { Name = "expirationDate", Value = new Date(expiry.ToString("yyyy-MM-dd")) });
            result.Parameter.Add(part);
        }
        result.Parameter.Add(new Parameters.ParameterComponent { Name = "total", Value = new FhirDecimal(total) });
        result.Parameter.Add(new Parameters.ParameterComponent { Name = "date", Value = new FhirDateTime(date ?? clock.GetUtcNow()) });
        return new FhirResponse { Resource = result };
    }

    private async Task<FhirResponse> RecallAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var input = OperationInput.Read(r, calendar, "recall", "lot", "item");
        var lot = input.RequiredText("lot");
        var item = input.Reference("item", ItemTypeNames);
        var result = new Parameters();
        await foreach (var entry in queries.ScanPrefixAsync(StockKeys.Recall, item is null ? StockKeys.Prefix(lot) : StockKeys.Prefix(lot, item), ct))
        {
            var recall = StateJson.Read<RecallValue>(entry.Value);
            result.Parameter.Add(new Parameters.ParameterComponent
            {
                Name = "recipient",
                Part =
                [
                    new() { Name = "patient", Value = new ResourceReference(recall.Patient) },
                    new() { Name = "item", Value = new ResourceReference(recall.Item) },
                    new() { Name = "quantity", Value = new FhirDecimal(recall.Q) },
                    new() { Name = "date", Value = new FhirDateTime(recall.Time) },
                    new() { Name = "supplyDelivery", Value = new ResourceReference($"SupplyDelivery/{recall.Event}") },
                ],
            });
        }
        return new FhirResponse { Resource = result };
    }

    /// <summary>FIFO: what is on hand is what came in last, so it is valued at the cost of the newest receipts.</summary>
    private async Task<FhirResponse> ValuationAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var input = OperationInput.Read(r, calendar, "valuation", "item");
        var only = input.Reference("item", ItemTypeNames);
        var result = new Parameters();
        var total = 0m;
        foreach (var group in (await queries.OnHandAsync(only, null, null, ct)).GroupBy(b => b.Item))
        {
            var onHand = group.Sum(b => b.Quantity);
            var receipts = new List<ReceiptValue>();
            await foreach (var entry in queries.ScanPrefixAsync(StockKeys.Receipt, StockKeys.Prefix(group.Key), ct))
                receipts.Add(StateJson.Read<ReceiptValue>(entry.Value));
            decimal value = 0, uncosted = 0, left = onHand;
            foreach (var receipt in Enumerable.Reverse(receipts))
            {
                if (left <= 0) break;
                var layer = Math.Min(left, receipt.Q);
                if (receipt.Cost is { } cost) value += layer * cost; else uncosted += layer;
                left -= layer;
            }
            uncosted += Math.Max(left, 0); // stock that came by adjustments, not receipts
            total += value;
            result.Parameter.Add(new Parameters.ParameterComponent
            {
                Name = "item",
                Part =
                [
                    new() { Name = "item", Value = new ResourceReference(group.Key) },
                    new() { Name = "quantity", Value = new FhirDecimal(onHand) },
                    new() { Name = "value", Value = new FhirDecimal(value) },
                    new() { Name = "uncostedQuantity", Value = new FhirDecimal(uncosted) },
                ],
            });
        }
        result.Parameter.Add(new Parameters.ParameterComponent { Name = "total", Value = new FhirDecimal(total) });
        return new FhirResponse { Resource = result };
    }

    /// <summary>Units consumed in [start, end) divided by the average of the stock at start and at end, per item.</summary>
    private async Task<FhirResponse> TurnoverAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var input = OperationInput.Read(r, calendar, "turnover", "item", "start", "end");
        var item = input.RequiredReference("item", ItemTypeNames);
        var start = input.Instant("start") ?? throw FhirError.BadRequest("$turnover needs 'start'", "start");
        var end = input.Instant("end") ?? clock.GetUtcNow();
        if (end <= start) throw FhirError.BadRequest("$turnover: 'end' must be after 'start'", "end");
        decimal consumed = 0, atStart = 0, atEnd = 0;
        await foreach (var line in queries.ScanPrefixAsync(StockKeys.Line, StockKeys.Prefix(item), ct))
        {
            var value = StateJson.Read<LineValue>(line.Value);
            if (value.K == Consumption && value.T > StockKeys.Ticks(start) && value.T <= StockKeys.Ticks(end)) consumed -= value.Q;
        }
        foreach (var bucket in await queries.OnHandAsync(item, null, null, ct))
        {
            atStart += await queries.BalanceAsync(bucket.Item, bucket.Location, bucket.Lot, start, ct);
            atEnd += await queries.BalanceAsync(bucket.Item, bucket.Location, bucket.Lot, end, ct);
        }
        var average = (atStart + atEnd) / 2;
        var result = new Parameters();
        result.Parameter.Add(new() { Name = "consumed", Value = new FhirDecimal(consumed) });
        result.Parameter.Add(new() { Name = "averageOnHand", Value = new FhirDecimal(average) });
        if (average > 0) result.Parameter.Add(new() { Name = "turnover", Value = new FhirDecimal(Math.Round(consumed / average, 4)) });
        return new FhirResponse { Resource = result };
    }
}
