using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Inventory.InventoryHttp;

namespace FhirPractice.Server.Tests.Inventory;

/// <summary>Stock levels and what crossing them does: one draft SupplyRequest per reorder, alerts as Communications, charges for billable supplies.</summary>
public class StockAlertTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.Client;

    private static string Level(string item, string location, decimal? reorderPoint = null, decimal? reorderQuantity = null, decimal? maximum = null, decimal? par = null)
    {
        var extensions = new JsonArray { new JsonObject { ["url"] = Ext + "location", ["valueReference"] = new JsonObject { ["reference"] = location } } };
        void Add(string name, decimal? value) { if (value is not null) extensions.Add(new JsonObject { ["url"] = Ext + name, ["valueDecimal"] = value }); }
        Add("reorder-point", reorderPoint);
        Add("reorder-quantity", reorderQuantity);
        Add("maximum", maximum);
        Add("par-level", par);
        return new JsonObject
        {
            ["resourceType"] = "Basic",
            ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://fhirpractice.org/fhir/CodeSystem/inventory", ["code"] = "stock-level" }) },
            ["subject"] = new JsonObject { ["reference"] = item },
            ["extension"] = extensions,
        }.ToJsonString();
    }

    [Fact]
    public async Task Falling_below_the_reorder_point_creates_one_draft_SupplyRequest_and_one_alert_not_one_per_consumption()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 10);
        await SearchHttp.CreateAsync(_client, Level(item, room, reorderPoint: 5, reorderQuantity: 20, maximum: 40));
        for (var i = 0; i < 8; i++)
            Assert.Equal(HttpStatusCode.OK, (await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1))).StatusCode);
        await factory.DrainFollowUpsAsync();

        var requests = (await _client.SearchAsync($"SupplyRequest?subject={room}"))["entry"]!.AsArray();
        var request = Assert.Single(requests)!["resource"]!;
        Assert.Equal("draft", (string?)request["status"]);
        Assert.Equal(20m, request["quantity"]!["value"]!.GetValue<decimal>());
        Assert.Equal(item, (string?)request["itemReference"]!["reference"]);
        var alert = Assert.Single(await _client.AlertsAsync(room, "low-stock"));
        Assert.Contains($"SupplyRequest/{request["id"]}", alert["about"]!.ToJsonString());

        // Back above the reorder point, then below again: a second order.
        await _client.ReceiveAsync(item, room, 20);
        for (var i = 0; i < 19; i++) await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1));
        await factory.DrainFollowUpsAsync();
        Assert.Equal(2, (await _client.SearchAsync($"SupplyRequest?subject={room}"))["entry"]!.AsArray().Count);
    }

    [Fact]
    public async Task Setting_a_reorder_point_above_the_stock_orders_at_once()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 2);
        await SearchHttp.CreateAsync(_client, Level(item, room, reorderPoint: 5, par: 12));
        await factory.DrainFollowUpsAsync();
        var request = Assert.Single((await _client.SearchAsync($"SupplyRequest?subject={room}"))["entry"]!.AsArray())!["resource"]!;
        Assert.Equal(10m, request["quantity"]!["value"]!.GetValue<decimal>()); // up to par
    }

    [Fact]
    public async Task Rising_above_the_maximum_raises_one_overstock_alert_and_reaching_zero_records_a_stockout()
    {
        var (item, room) = NewStock();
        await SearchHttp.CreateAsync(_client, Level(item, room, reorderPoint: 1, maximum: 10));
        await _client.ReceiveAsync(item, room, 8);
        await factory.DrainFollowUpsAsync();
        Assert.Empty(await _client.AlertsAsync(room, "overstock"));

        await _client.ReceiveAsync(item, room, 5);
        await _client.ReceiveAsync(item, room, 1);
        await factory.DrainFollowUpsAsync();
        var overstock = Assert.Single(await _client.AlertsAsync(item, "overstock"));
        Assert.Contains("13 of", overstock["payload"]![0]!["contentString"]!.ToString());

        Assert.Equal(HttpStatusCode.OK, (await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 14))).StatusCode);
        await factory.DrainFollowUpsAsync();
        Assert.Single(await _client.AlertsAsync(room, "stockout"));
    }

    [Fact]
    public async Task Consuming_a_billable_supply_for_a_patient_creates_a_ChargeItem_with_its_NDC()
    {
        var medication = await SearchHttp.CreateAsync(_client, """
            {"resourceType":"Medication","code":{"coding":[{"system":"http://hl7.org/fhir/sid/ndc","code":"49281-0400-10","display":"Tdap vaccine"}]},
             "extension":[{"url":"http://fhirpractice.org/fhir/StructureDefinition/inventory-billable","valueBoolean":true}]}
            """);
        var plain = await SearchHttp.CreateAsync(_client, """{"resourceType":"Medication","code":{"text":"gauze"}}""");
        var patient = await SearchHttp.CreateAsync(_client, """{"resourceType":"Patient","name":[{"family":"Charge"}]}""");
        var room = $"Location/{FhirHttp.Unique()}";
        await _client.ReceiveAsync(medication, room, 5, lot: "T1", expiry: "2099-01-01");
        await _client.ReceiveAsync(plain, room, 5);

        var consumed = await (await _client.OperationAsync("consume", ("item", medication), ("location", room), ("quantity", 1), ("patient", patient))).JsonAsync();
        await _client.OperationAsync("consume", ("item", plain), ("location", room), ("quantity", 1), ("patient", patient));
        await factory.DrainFollowUpsAsync();

        var charges = (await _client.SearchAsync($"ChargeItem?subject={patient}"))["entry"]?.AsArray() ?? [];
        var charge = Assert.Single(charges)!["resource"]!;
        Assert.Equal("billable", (string?)charge["status"]);
        Assert.Equal("49281-0400-10", (string?)charge["code"]!["coding"]![0]!["code"]);
        Assert.Equal("http://hl7.org/fhir/sid/ndc", (string?)charge["code"]!["coding"]![0]!["system"]);
        Assert.Equal(medication, (string?)charge["productReference"]!["reference"]);
        Assert.Equal((string?)Part(Parts(consumed, "movement").Single(), "supplyDelivery"), (string?)charge["service"]![0]!["reference"]);

        await factory.DrainFollowUpsAsync();
        Assert.Single((await _client.SearchAsync($"ChargeItem?subject={patient}"))["entry"]!.AsArray());
    }

    [Fact]
    public async Task A_stock_level_that_does_not_name_its_item_and_location_is_refused()
    {
        var (item, _) = NewStock();
        var noLocation = JsonNode.Parse(Level(item, "Location/x", reorderPoint: 1))!;
        noLocation.AsObject().Remove("extension");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Basic", FhirServerFactory.Json(noLocation.ToJsonString())), HttpStatusCode.UnprocessableEntity, "Location");
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync("Basic", FhirServerFactory.Json(Level(item, "Location/x", reorderPoint: 5, maximum: 2))),
            HttpStatusCode.UnprocessableEntity, "maximum");
    }
}
