using System.Net;
using BenchmarkDotNet.Attributes;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Inventory;
using FhirPractice.Inventory.Ledger;
using FhirPractice.Storage.Sqlite;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Benchmarks;

/// <summary>
/// Consumptions per second through the engine with the inventory module (the ledger kept in each write's
/// transaction), on a SQLite file: <see cref="Concurrency"/> consumptions in flight, as a busy practice's
/// clients would send them, so the single writer commits them in groups. One invocation is a batch of
/// <see cref="Batch"/> consumptions; consumptions/s = Batch / mean. After the run the projection is checked
/// against the number of consumptions made (the benchmark throws if it differs).
/// </summary>
public class InventoryConsumptionBenchmarks
{
    private const int Batch = 512;
    private const decimal Seeded = 100_000_000;

    [Params(64)] public int Concurrency { get; set; }

    /// <summary>FULL is the server's default (an acknowledged write survives a power cut).</summary>
    [Params("FULL", "NORMAL")] public string Synchronous { get; set; } = "FULL";

    private string _folder = null!;
    private ServiceProvider _services = null!;
    private FhirEngine _engine = null!;
    private long _consumed;
    private const string Item = "Medication/bench", Room = "Location/bench";

    [GlobalSetup]
    public void Setup()
    {
        _folder = BenchmarkEngine.NewFolder();
        _services = BenchmarkEngine.Services(new SqliteStoreOptions { Path = Path.Combine(_folder, "fhir.db"), Synchronous = Synchronous })
            .AddInventory(new InventoryOptions(), TimeZoneInfo.Utc)
            .BuildServiceProvider();
        _engine = _services.GetRequiredService<FhirEngine>();
        _consumed = 0;
        foreach (var lot in new[] { "B1", "B2" })
            Check(_engine.HandleAsync(Post(Delivery("receipt", lot, Seeded / 2, destination: Room))).GetAwaiter().GetResult(), HttpStatusCode.Created);
    }

    /// <summary>$consume: first-expiry-first-out picks the lot, the hook books it.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public System.Threading.Tasks.Task Consume() => RunAsync(() => new FhirRequest("POST", "$consume", [])
    {
        ParsedBody = new Parameters()
            .Add("item", new ResourceReference(Item)).Add("location", new ResourceReference(Room)).Add("quantity", new FhirDecimal(1)),
    }, HttpStatusCode.OK);

    /// <summary>A consumption SupplyDelivery POSTed as a client would record it.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public System.Threading.Tasks.Task PostConsumption() => RunAsync(() => Post(Delivery("consumption", "B1", 1, source: Room)), HttpStatusCode.Created);

    /// <summary>
    /// The bare baseline: the same SupplyDelivery write through the same engine, but in progress, so the inventory
    /// module leaves it alone (no ledger, no projection). Consumptions cost what they add to this.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Batch, Baseline = true)]
    public System.Threading.Tasks.Task PostInProgressDelivery() => RunAsync(() =>
    {
        var delivery = Delivery("consumption", "B1", 1, source: Room);
        delivery.Status = SupplyDelivery.SupplyDeliveryStatus.InProgress;
        return Post(delivery);
    }, HttpStatusCode.Created, consumes: false);

    private async System.Threading.Tasks.Task RunAsync(Func<FhirRequest> request, HttpStatusCode expected, bool consumes = true)
    {
        var next = 0;
        await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= Batch)
                Check(await _engine.HandleAsync(request()), expected);
        }));
        if (consumes) Interlocked.Add(ref _consumed, Batch);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var onHand = _services.GetRequiredService<StockQueries>().OnHandAsync(Item, Room, null, default).GetAwaiter().GetResult().Sum(b => b.Quantity);
        BenchmarkEngine.Remove(_services, _folder);
        if (onHand != Seeded - _consumed)
            throw new InvalidOperationException($"Projection inconsistent: {onHand} on hand, {Seeded - _consumed} expected after {_consumed} consumptions");
        Console.WriteLine($"// projection consistent: {onHand} on hand after {_consumed} consumptions");
    }

    private static FhirRequest Post(SupplyDelivery delivery) => new("POST", "SupplyDelivery", []) { ParsedBody = delivery, Return = PreferReturn.Minimal };

    private static SupplyDelivery Delivery(string kind, string lot, decimal quantity, string? source = null, string? destination = null)
    {
        const string ext = "http://fhirpractice.org/fhir/StructureDefinition/inventory-";
        var item = new SupplyDelivery.SuppliedItemComponent { Quantity = new Quantity { Value = quantity }, Item = new ResourceReference(Item) };
        item.SetStringExtension(ext + "lot-number", lot);
        item.SetExtension(ext + "expiration-date", new Date("2099-12-31"));
        var delivery = new SupplyDelivery
        {
            Status = SupplyDelivery.SupplyDeliveryStatus.Completed,
            Type = new CodeableConcept("http://fhirpractice.org/fhir/CodeSystem/inventory-movement", kind),
            SuppliedItem = item,
            Occurrence = new FhirDateTime(DateTimeOffset.UtcNow),
            Destination = destination is null ? null : new ResourceReference(destination),
        };
        if (source is not null) delivery.SetExtension(ext + "source", new ResourceReference(source));
        return delivery;
    }

    private static void Check(FhirResponse response, HttpStatusCode expected)
    {
        if (response.Status != expected)
            throw new InvalidOperationException($"{(int)response.Status}: {(response.Resource as OperationOutcome)?.Issue.FirstOrDefault()?.Diagnostics}");
    }
}
