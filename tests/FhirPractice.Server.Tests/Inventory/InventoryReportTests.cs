using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Inventory.InventoryHttp;

namespace FhirPractice.Server.Tests.Inventory;

/// <summary>FIFO valuation, turnover, and the operations in the CapabilityStatement.</summary>
public class InventoryReportTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.Client;

    [Fact]
    public async Task Valuation_prices_the_stock_on_hand_at_the_cost_of_the_newest_receipts()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 10, occurrence: "2024-03-01T00:00:00Z", unitCost: 2.00m);
        await _client.ReceiveAsync(item, room, 10, occurrence: "2024-03-05T00:00:00Z", unitCost: 3.10m);
        await _client.PostAsync(Delivery("consumption", item, 12, source: room, occurrence: "2024-03-06T00:00:00Z"));

        var valuation = await (await _client.GetAsync($"$valuation?item={item}")).JsonAsync();
        var line = Parts(valuation, "item").Single();
        Assert.Equal(8m, Part(line, "quantity")!.GetValue<decimal>());
        Assert.Equal(24.80m, Part(line, "value")!.GetValue<decimal>());
        Assert.Equal(0m, Part(line, "uncostedQuantity")!.GetValue<decimal>());

        await _client.ReceiveAsync(item, room, 5, occurrence: "2024-03-07T00:00:00Z");
        line = Parts(await (await _client.GetAsync($"$valuation?item={item}")).JsonAsync(), "item").Single();
        Assert.Equal(5m, Part(line, "uncostedQuantity")!.GetValue<decimal>());
        Assert.Equal(8 * 3.10m, Part(line, "value")!.GetValue<decimal>());
    }

    [Fact]
    public async Task Turnover_is_units_consumed_over_the_average_stock_of_the_period()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 20, occurrence: "2024-04-01T00:00:00Z");
        await _client.PostAsync(Delivery("consumption", item, 5, source: room, occurrence: "2024-04-10T00:00:00Z"));
        await _client.PostAsync(Delivery("consumption", item, 5, source: room, occurrence: "2024-04-20T00:00:00Z"));
        await _client.PostAsync(Delivery("consumption", item, 3, source: room, occurrence: "2024-05-10T00:00:00Z"));

        var turnover = await (await _client.GetAsync($"$turnover?item={item}&start=2024-04-05&end=2024-04-30")).JsonAsync();
        Assert.Equal(10m, Parameter(turnover, "consumed")!.GetValue<decimal>());
        Assert.Equal(15m, Parameter(turnover, "averageOnHand")!.GetValue<decimal>()); // (20 + 10) / 2
        Assert.Equal(0.6667m, Parameter(turnover, "turnover")!.GetValue<decimal>());
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"$turnover?item={item}&start=2024-05-01&end=2024-04-01"), HttpStatusCode.BadRequest, "after", "end");
    }

    [Fact]
    public async Task The_CapabilityStatement_lists_the_inventory_operations_with_their_definitions()
    {
        var metadata = await (await _client.GetAsync("metadata")).JsonAsync();
        var operations = metadata["rest"]![0]!["operation"]!.AsArray().ToDictionary(o => (string)o!["name"]!, o => (string)o!["definition"]!);
        foreach (var name in new[] { "stock-level", "consume", "transfer", "adjust", "recall", "valuation", "turnover" })
        {
            Assert.Equal($"http://fhirpractice.org/fhir/OperationDefinition/inventory-{name}", operations[name]);
            var file = Path.Combine(AppContext.BaseDirectory, "conformance", $"OperationDefinition-inventory-{name}.json");
            Assert.Contains($"\"code\": \"{name}\"", File.ReadAllText(file));
        }
    }
}
