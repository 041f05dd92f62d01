using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Inventory.Ledger;
using Hl7.Fhir.Model;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.Operations;

/// <summary>
/// The movement operations, each at system level with an OperationDefinition in conformance/: <c>$consume</c>
/// (first-expiry-first-out unless a lot and a reason are given), <c>$transfer</c> and <c>$adjust</c>. They record
/// SupplyDeliveries through the engine; the ledger itself is kept by <see cref="InventoryWriteHook"/>.
/// </summary>
public sealed class InventoryOperations(StockQueries queries, TimeProvider clock, PracticeCalendar calendar)
{
    public const string DefinitionBase = "http://fhirpractice.org/fhir/OperationDefinition/inventory-";
    private static readonly string[] ItemTypeNames = [.. ItemTypes];

    /// <summary>How often a FEFO pick is planned again when a concurrent movement took the planned stock first.</summary>
    private const int PlanAttempts = 3;

    public IEnumerable<FhirOperation> Definitions =>
    [
        new("consume", DefinitionBase + "consume", System: true, Type: false, Instance: false, Types: [], Handler: ConsumeAsync),
        new("transfer", DefinitionBase + "transfer", System: true, Type: false, Instance: false, Types: [], Handler: TransferAsync),
        new("adjust", DefinitionBase + "adjust", System: true, Type: false, Instance: false, Types: [], Handler: AdjustAsync),
    ];

    private Task<FhirResponse> ConsumeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        RequirePost(r, "consume");
        var input = OperationInput.Read(r, calendar, "consume", "item", "location", "quantity", "lot", "reason", "patient", "occurrence");
        var item = input.RequiredReference("item", ItemTypeNames);
        var location = input.RequiredReference("location", "Location");
        var quantity = input.RequiredPositive("quantity");
        var patient = input.Reference("patient", "Patient");
        var at = input.Instant("occurrence") ?? clock.GetUtcNow();
        var lot = input.Text("lot");
        var reason = input.Text("reason");
        if (reason is not null && lot is null) throw FhirError.BadRequest("$consume: 'reason' overrides first-expiry-first-out for a named 'lot'", "reason");
        return MoveAsync(engine, r, item, location, quantity, lot, at, "consume",
            (l, q) => new Movement(Consumption, item, l, q, location, null, at, patient, FefoOverride: reason), ct);
    }

    private Task<FhirResponse> TransferAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        RequirePost(r, "transfer");
        var input = OperationInput.Read(r, calendar, "transfer", "item", "from", "to", "quantity", "lot", "occurrence");
        var item = input.RequiredReference("item", ItemTypeNames);
        var from = input.RequiredReference("from", "Location");
        var to = input.RequiredReference("to", "Location");
        if (from == to) throw FhirError.BadRequest("$transfer: 'from' and 'to' are the same location", "to");
        var quantity = input.RequiredPositive("quantity");
        var at = input.Instant("occurrence") ?? clock.GetUtcNow();
        return MoveAsync(engine, r, item, from, quantity, input.Text("lot"), at, "transfer",
            (l, q) => new Movement(Transfer, item, l, q, from, to, at), ct);
    }

    /// <summary>Takes from the named lot, or plans lots first-expiry-first-out and plans again when a concurrent write took them first.</summary>
    private async Task<FhirResponse> MoveAsync(FhirEngine engine, FhirRequest r, string item, string location, decimal quantity, string? lot, DateTimeOffset at,
        string operation, Func<string, decimal, Movement> movement, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var plan = lot is not null ? [(lot, quantity)]
                : await queries.FirstExpiringFirstAsync(item, location, quantity, calendar.DayOf(at), ct)
                  ?? throw FhirError.Conflict($"${operation}: {location} does not hold {quantity} usable (unexpired) units of {item}");
            var (response, result) = await StockMovementWriter.WriteAsync(engine, r, [.. plan.Select(p => movement(p.Item1, p.Item2))], ct);
            if (result is not null) return StockMovementWriter.Answer(result);
            if (lot is not null || response.Status != System.Net.HttpStatusCode.Conflict || attempt == PlanAttempts) return response;
        }
    }

    private async Task<FhirResponse> AdjustAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        RequirePost(r, "adjust");
        var input = OperationInput.Read(r, calendar, "adjust", "item", "location", "lot", "reason", "quantity", "counted", "occurrence");
        var item = input.RequiredReference("item", ItemTypeNames);
        var location = input.RequiredReference("location", "Location");
        var lot = input.Text("lot") ?? "";
        var reason = input.RequiredText("reason");
        if (!AdjustmentReasons.Contains(reason))
            throw FhirError.BadRequest($"$adjust: 'reason' is one of {string.Join(", ", AdjustmentReasons)}, not '{reason}'", "reason");
        var at = input.Instant("occurrence") ?? clock.GetUtcNow();
        var change = input.Decimal("quantity");
        var counted = input.Decimal("counted");
        if ((change is null) == (counted is null)) throw FhirError.BadRequest("$adjust takes either 'quantity' (the signed change) or 'counted' (a cycle count)", "quantity");
        if (counted < 0) throw FhirError.BadRequest("$adjust: 'counted' cannot be negative", "counted");
        // A count sets the balance as of its time: the change is what the ledger held then.
        var delta = change ?? counted!.Value - await queries.BalanceAsync(item, location, lot, at, ct);
        if (delta == 0) return new FhirResponse { Resource = new Parameters() };
        var (response, result) = await StockMovementWriter.WriteAsync(engine, r,
            [new Movement(Adjustment, item, lot, Math.Abs(delta), delta < 0 ? location : null, delta > 0 ? location : null, at, Reason: reason)], ct);
        if (result is null) return response;
        result.Parameter.Add(new Parameters.ParameterComponent { Name = "change", Value = new FhirDecimal(delta) });
        return StockMovementWriter.Answer(result);
    }

    private static void RequirePost(FhirRequest r, string operation)
    {
        if (r.Method != "POST") throw FhirError.NotSupported($"${operation} changes the stock and is invoked with POST");
    }
}
