using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory.Operations;

/// <summary>One SupplyDelivery an operation is about to record.</summary>
internal sealed record Movement(string Kind, string Item, string Lot, decimal Quantity, string? Source, string? Destination, DateTimeOffset At,
    string? Patient = null, string? Reason = null, string? FefoOverride = null);

/// <summary>
/// Records movements as completed SupplyDeliveries through the engine, as the caller: one movement as a create, several
/// (first-expiry-first-out across lots) in one transaction, so all or none are recorded. The write hook checks and
/// books them like any other write, so a shortage found there (a concurrent consumption) comes back as the write's
/// 409. Answers are minimal: only what was written is read.
/// </summary>
internal static class StockMovementWriter
{
    public static async Task<(FhirResponse Response, Parameters? Result)> WriteAsync(FhirEngine engine, FhirRequest r, IReadOnlyList<Movement> movements, CancellationToken ct)
    {
        var single = movements.Count == 1;
        var request = single
            ? new FhirRequest("POST", "SupplyDelivery", []) { ParsedBody = Delivery(movements[0]) }
            : new FhirRequest("POST", "", []) { ParsedBody = Transaction(movements) };
        var response = await engine.HandleAsync(request with { BaseUrl = r.BaseUrl, Caller = r.Caller, Return = PreferReturn.Minimal }, ct);
        if (response.Status != (single ? HttpStatusCode.Created : HttpStatusCode.OK)) return (response, null);
        IReadOnlyList<string> written = single ? [$"SupplyDelivery/{response.Subject!.Id}"] : [.. ((Bundle)response.ToResource()!).Entry.Select(e => Reference(e.Response?.Location))];
        var result = new Parameters();
        for (var i = 0; i < movements.Count; i++)
            result.Parameter.Add(new Parameters.ParameterComponent
            {
                Name = "movement",
                Part =
                [
                    new() { Name = "supplyDelivery", Value = new ResourceReference(written[i]) },
                    new() { Name = "lot", Value = new FhirString(movements[i].Lot) },
                    new() { Name = "quantity", Value = new FhirDecimal(movements[i].Quantity) },
                ],
            });
        return (response, result);
    }

    private static Bundle Transaction(IReadOnlyList<Movement> movements)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var m in movements)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + Guid.NewGuid(),
                Resource = Delivery(m),
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "SupplyDelivery" },
            });
        return bundle;
    }

    /// <summary>An entry's Location is [base/]SupplyDelivery/{id}/_history/{version}.</summary>
    private static string Reference(string? location)
    {
        location ??= "";
        var start = Math.Max(location.IndexOf("SupplyDelivery/", StringComparison.Ordinal), 0);
        var end = location.IndexOf("/_history", StringComparison.Ordinal);
        return location[start..(end < 0 ? location.Length : end)];
    }

    private static SupplyDelivery Delivery(Movement m)
    {
        var item = new SupplyDelivery.SuppliedItemComponent { Quantity = new Quantity { Value = m.Quantity }, Item = new ResourceReference(m.Item) };
        if (m.Lot.Length > 0) item.SetStringExtension(LotNumberExtension, m.Lot);
        var delivery = new SupplyDelivery
        {
            Status = SupplyDelivery.SupplyDeliveryStatus.Completed,
            Type = new CodeableConcept(MovementSystem, m.Kind),
            SuppliedItem = item,
            Occurrence = new FhirDateTime(m.At),
            Destination = m.Destination is null ? null : new ResourceReference(m.Destination),
            Patient = m.Patient is null ? null : new ResourceReference(m.Patient),
        };
        if (m.Source is not null) delivery.SetExtension(SourceExtension, new ResourceReference(m.Source));
        if (m.Reason is not null) delivery.SetExtension(ReasonExtension, new CodeableConcept(AdjustmentReasonSystem, m.Reason));
        if (m.FefoOverride is not null) delivery.SetStringExtension(FefoOverrideExtension, m.FefoOverride);
        return delivery;
    }

    public static FhirResponse Answer(Parameters result) => new() { Resource = result };
}
