using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Inventory.InventoryHttp;

namespace FhirPractice.Server.Tests.Inventory;

/// <summary>The stock ledger over HTTP: FEFO, expiry, transfers, adjustments, concurrency, backdating, recall.</summary>
public class StockMovementTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.Client;
    private static string Day(int fromToday) => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(fromToday).ToString("yyyy-MM-dd");

    [Fact]
    public async Task Consume_takes_the_lot_that_expires_first_and_never_an_expired_one()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 5, lot: "LATE", expiry: Day(200));
        await _client.ReceiveAsync(item, room, 2, lot: "SOON", expiry: Day(100));
        await _client.ReceiveAsync(item, room, 9, lot: "GONE", expiry: Day(-1));

        var first = await (await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1))).JsonAsync();
        Assert.Equal("SOON", (string?)Part(Parts(first, "movement").Single(), "lot"));

        // 3 more: the last unit of SOON, then two of LATE; the expired lot is never touched.
        var split = await (await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 3))).JsonAsync();
        Assert.Equal(["SOON:1", "LATE:2"], Parts(split, "movement").Select(m => $"{Part(m, "lot")}:{Part(m, "quantity")}"));
        Assert.Equal(9, await _client.StockAsync(item, room, "GONE"));

        var tooMuch = await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 4));
        await FhirHttp.AssertOutcomeAsync(tooMuch, HttpStatusCode.Conflict, "usable");
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("lot", "GONE"), ("reason", "asked")),
            HttpStatusCode.UnprocessableEntity, "expired");
        Assert.Equal(3, await _client.StockAsync(item, room, "LATE"));
    }

    [Fact]
    public async Task Taking_another_lot_than_the_first_to_expire_needs_a_recorded_reason()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 5, lot: "A", expiry: Day(30));
        await _client.ReceiveAsync(item, room, 5, lot: "B", expiry: Day(300));

        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("lot", "B")),
            HttpStatusCode.UnprocessableEntity, "first-expiry-first-out");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("consumption", item, 1, source: room, lot: "B")),
            HttpStatusCode.UnprocessableEntity, "expires first");

        var response = await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("lot", "B"), ("reason", "patient allergic to A's excipient"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var delivery = (string)Part(Parts(await response.JsonAsync(), "movement").Single(), "supplyDelivery")!;
        var stored = await (await _client.GetAsync(delivery)).JsonAsync();
        Assert.Contains("allergic", stored["extension"]!.ToJsonString());
        Assert.Equal(4, await _client.StockAsync(item, room, "B"));
    }

    [Fact]
    public async Task A_transfer_moves_stock_between_locations_and_cannot_move_more_than_is_there()
    {
        var (item, from) = NewStock();
        var to = $"Location/{FhirHttp.Unique()}";
        await _client.ReceiveAsync(item, from, 10, lot: "L1", expiry: Day(60));

        var response = await _client.OperationAsync("transfer", ("item", item), ("from", from), ("to", to), ("quantity", 4));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(6, await _client.StockAsync(item, from, "L1"));
        Assert.Equal(4, await _client.StockAsync(item, to, "L1"));
        Assert.Equal(10, await _client.StockAsync(item));

        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("transfer", ("item", item), ("from", from), ("to", to), ("quantity", 7)), HttpStatusCode.Conflict);
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("transfer", ("item", item), ("from", from), ("to", from), ("quantity", 1)), HttpStatusCode.BadRequest, "same");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("transfer", item, 1, destination: to, lot: "L1")),
            HttpStatusCode.UnprocessableEntity, "source", "inventory-source");
        Assert.Equal(6, await _client.StockAsync(item, from));
    }

    [Fact]
    public async Task Adjustments_record_damage_expiry_destruction_and_cycle_counts_with_their_reason()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 10, lot: "X", expiry: Day(-3));

        var damaged = await _client.OperationAsync("adjust", ("item", item), ("location", room), ("lot", "X"), ("reason", "damage"), ("quantity", -2));
        Assert.True(damaged.StatusCode == HttpStatusCode.OK, await damaged.Content.ReadAsStringAsync());
        Assert.Equal(8, await _client.StockAsync(item, room, "X"));

        var counted = await (await _client.OperationAsync("adjust", ("item", item), ("location", room), ("lot", "X"), ("reason", "cycle-count"), ("counted", 11))).JsonAsync();
        Assert.Equal(3m, Parameter(counted, "change")!.GetValue<decimal>());
        Assert.Equal(11, await _client.StockAsync(item, room, "X"));

        // Expired stock cannot be used, but it can be destroyed.
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("consumption", item, 1, source: room, lot: "X")), HttpStatusCode.UnprocessableEntity, "expired");
        var destroyed = await _client.OperationAsync("adjust", ("item", item), ("location", room), ("lot", "X"), ("reason", "expiry-destruction"), ("quantity", -11));
        Assert.Equal(HttpStatusCode.OK, destroyed.StatusCode);
        Assert.Equal(0, await _client.StockAsync(item, room, "X"));

        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("adjust", ("item", item), ("location", room), ("reason", "theft"), ("quantity", -1)),
            HttpStatusCode.BadRequest, "reason", "reason");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("adjustment", item, 1, destination: room)), HttpStatusCode.UnprocessableEntity, "reason");
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("adjust", ("item", item), ("location", room), ("reason", "damage"), ("quantity", -1)),
            HttpStatusCode.Conflict, "Not enough stock");
    }

    [Fact]
    public async Task Two_simultaneous_consumptions_of_the_last_unit_one_succeeds_one_gets_409()
    {
        for (var round = 0; round < 5; round++)
        {
            var (item, room) = NewStock();
            await _client.ReceiveAsync(item, room, 1, lot: "LAST", expiry: Day(90));
            var responses = await Task.WhenAll(
                _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1)),
                _client.PostAsync(Delivery("consumption", item, 1, source: room, lot: "LAST")));
            Assert.Single(responses, r => r.IsSuccessStatusCode);
            await FhirHttp.AssertOutcomeAsync(responses.Single(r => !r.IsSuccessStatusCode), HttpStatusCode.Conflict);
            Assert.Equal(0, await _client.StockAsync(item, room));
        }
    }

    [Fact]
    public async Task A_backdated_delivery_corrects_every_later_balance_and_as_of_levels_replay_it()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 10, occurrence: "2024-01-10T09:00:00Z");
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync(Delivery("consumption", item, 4, source: room, occurrence: "2024-01-20T09:00:00Z"))).StatusCode);
        Assert.Equal(10, await _client.StockAsync(item, room, date: "2024-01-15"));
        Assert.Equal(6, await _client.StockAsync(item, room, date: "2024-01-25"));
        Assert.Equal(0, await _client.StockAsync(item, room, date: "2024-01-09"));

        // Recorded late: a receipt on the 5th.
        await _client.ReceiveAsync(item, room, 5, occurrence: "2024-01-05T09:00:00Z");
        Assert.Equal(5, await _client.StockAsync(item, room, date: "2024-01-07"));
        Assert.Equal(15, await _client.StockAsync(item, room, date: "2024-01-15"));
        Assert.Equal(11, await _client.StockAsync(item, room, date: "2024-01-25T00:00:00Z"));
        Assert.Equal(11, await _client.StockAsync(item, room));

        // A backdated consumption that the stock of its day could not cover is refused; one that fits shifts the later balances.
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("consumption", item, 7, source: room, occurrence: "2024-01-08T09:00:00Z")), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync(Delivery("consumption", item, 3, source: room, occurrence: "2024-01-08T09:00:00Z"))).StatusCode);
        Assert.Equal(2, await _client.StockAsync(item, room, date: "2024-01-08"));
        Assert.Equal(8, await _client.StockAsync(item, room, date: "2024-01-25"));
    }

    [Fact]
    public async Task Correcting_or_deleting_a_movement_takes_its_effect_back_unless_later_stock_depended_on_it()
    {
        var (item, room) = NewStock();
        var receipt = await _client.ReceiveAsync(item, room, 10, occurrence: "2024-02-01T00:00:00Z");
        var consumption = await SearchHttp.CreateAsync(_client, Delivery("consumption", item, 8, source: room, occurrence: "2024-02-02T00:00:00Z"));

        // The receipt said 10 but 12 came: an update replaces its line.
        var corrected = JsonNode.Parse(Delivery("receipt", item, 12, destination: room, occurrence: "2024-02-01T00:00:00Z"))!;
        corrected["id"] = receipt;
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync($"SupplyDelivery/{receipt}", FhirServerFactory.Json(corrected.ToJsonString()))).StatusCode);
        Assert.Equal(4, await _client.StockAsync(item, room));

        await FhirHttp.AssertOutcomeAsync(await _client.DeleteAsync($"SupplyDelivery/{receipt}"), HttpStatusCode.Conflict, "below zero");
        Assert.True((await _client.DeleteAsync(consumption)).IsSuccessStatusCode);
        Assert.Equal(12, await _client.StockAsync(item, room));
        var cancelled = JsonNode.Parse(Delivery("receipt", item, 12, destination: room, occurrence: "2024-02-01T00:00:00Z"))!;
        cancelled["id"] = receipt;
        cancelled["status"] = "entered-in-error";
        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync($"SupplyDelivery/{receipt}", FhirServerFactory.Json(cancelled.ToJsonString()))).StatusCode);
        Assert.Equal(0, await _client.StockAsync(item, room));
    }

    [Fact]
    public async Task Recall_lists_the_patients_who_received_a_lot()
    {
        var (item, room) = NewStock();
        var lot = "RECALL-" + FhirHttp.Unique();
        await _client.ReceiveAsync(item, room, 10, lot: lot, expiry: Day(120));
        await _client.ReceiveAsync(item, room, 10, lot: "OTHER", expiry: Day(150));
        Assert.Equal(HttpStatusCode.OK, (await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("patient", "Patient/p1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 2), ("patient", "Patient/p2"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("lot", "OTHER"), ("reason", "opened"), ("patient", "Patient/p3"))).StatusCode);

        var recall = await (await _client.GetAsync($"$recall?lot={lot}")).JsonAsync();
        Assert.Equal(["Patient/p1", "Patient/p2"], Parts(recall, "recipient").Select(r => (string)Part(r, "patient")!).Order());
        Assert.Equal(3m, Parts(recall, "recipient").Sum(r => Part(r, "quantity")!.GetValue<decimal>()));
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("$recall"), HttpStatusCode.BadRequest, "lot", "lot");
    }

    [Fact]
    public async Task Bad_operation_input_is_a_400_naming_the_parameter()
    {
        var (item, room) = NewStock();
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("consume", ("location", room), ("quantity", 1)), HttpStatusCode.BadRequest, "item", "item");
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("consume", ("item", "Patient/1"), ("location", room), ("quantity", 1)), HttpStatusCode.BadRequest, "item", "item");
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", -1)), HttpStatusCode.BadRequest, "positive", "quantity");
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("colour", "red")), HttpStatusCode.BadRequest, "colour", "colour");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"$consume?item={item}"), HttpStatusCode.MethodNotAllowed);
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"$stock-level?item={item}&date=yesterday"), HttpStatusCode.BadRequest, "date", "date");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"$stock-level?location={room}"), HttpStatusCode.BadRequest, "item", "item");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("receipt", item, 0, destination: room)), HttpStatusCode.UnprocessableEntity, "positive");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("receipt", item, 1, destination: "Patient/1")), HttpStatusCode.UnprocessableEntity, "Location");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("receipt", item, 1, destination: room, expiry: "2025-02")), HttpStatusCode.UnprocessableEntity, "full date");
    }

    [Fact]
    public async Task A_SupplyDelivery_that_is_no_stock_movement_is_stored_and_ignored()
    {
        var (item, room) = NewStock();
        var inProgress = JsonNode.Parse(Delivery("receipt", item, 3, destination: room))!;
        inProgress["status"] = "in-progress";
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync(inProgress.ToJsonString())).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("""{"resourceType":"SupplyDelivery","status":"completed","suppliedItem":{"quantity":{"value":2},"itemCodeableConcept":{"text":"gauze"}}}""")).StatusCode);
        Assert.Equal(0, await _client.StockAsync(item, room));
    }
}
