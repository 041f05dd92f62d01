using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Inventory.FollowUps;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Inventory;

/// <summary>Stock movements and inventory operations over HTTP, for the inventory tests.</summary>
public static class InventoryHttp
{
    public const string Movement = "http://fhirpractice.org/fhir/CodeSystem/inventory-movement";
    public const string Ext = "http://fhirpractice.org/fhir/StructureDefinition/inventory-";
    public const string AlertSystem = "http://fhirpractice.org/fhir/CodeSystem/inventory-alert";

    /// <summary>A fresh item and location, so tests never see each other's stock.</summary>
    public static (string Item, string Location) NewStock() => ($"Medication/{FhirHttp.Unique()}", $"Location/{FhirHttp.Unique()}");

    /// <summary>The JSON of a completed stock movement SupplyDelivery.</summary>
    public static string Delivery(string kind, string item, decimal quantity, string? source = null, string? destination = null, string lot = "",
        string? expiry = null, string? occurrence = null, decimal? unitCost = null, string? patient = null, string? reason = null, string? fefoOverride = null)
    {
        var itemExtensions = new JsonArray();
        if (lot.Length > 0) itemExtensions.Add(new JsonObject { ["url"] = Ext + "lot-number", ["valueString"] = lot });
        if (expiry is not null) itemExtensions.Add(new JsonObject { ["url"] = Ext + "expiration-date", ["valueDate"] = expiry });
        if (unitCost is not null) itemExtensions.Add(new JsonObject { ["url"] = Ext + "unit-cost", ["valueMoney"] = new JsonObject { ["value"] = unitCost, ["currency"] = "USD" } });
        var extensions = new JsonArray();
        if (source is not null) extensions.Add(new JsonObject { ["url"] = Ext + "source", ["valueReference"] = new JsonObject { ["reference"] = source } });
        if (reason is not null)
            extensions.Add(new JsonObject
            {
                ["url"] = Ext + "reason",
                ["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://fhirpractice.org/fhir/CodeSystem/inventory-adjustment-reason", ["code"] = reason }) },
            });
        if (fefoOverride is not null) extensions.Add(new JsonObject { ["url"] = Ext + "fefo-override", ["valueString"] = fefoOverride });
        var json = new JsonObject
        {
            ["resourceType"] = "SupplyDelivery",
            ["status"] = "completed",
            ["type"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = Movement, ["code"] = kind }) },
            ["suppliedItem"] = new JsonObject { ["quantity"] = new JsonObject { ["value"] = quantity }, ["itemReference"] = new JsonObject { ["reference"] = item } },
            ["occurrenceDateTime"] = occurrence ?? DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        };
        if (itemExtensions.Count > 0) json["suppliedItem"]!["extension"] = itemExtensions;
        if (extensions.Count > 0) json["extension"] = extensions;
        if (destination is not null) json["destination"] = new JsonObject { ["reference"] = destination };
        if (patient is not null) json["patient"] = new JsonObject { ["reference"] = patient };
        return json.ToJsonString();
    }

    public static Task<HttpResponseMessage> PostAsync(this HttpClient client, string deliveryJson) =>
        client.PostAsync("SupplyDelivery", FhirServerFactory.Json(deliveryJson));

    /// <summary>Receives stock and returns the SupplyDelivery's id.</summary>
    public static async Task<string> ReceiveAsync(this HttpClient client, string item, string location, decimal quantity, string lot = "", string? expiry = null,
        string? occurrence = null, decimal? unitCost = null)
    {
        var response = await client.PostAsync(Delivery("receipt", item, quantity, destination: location, lot: lot, expiry: expiry, occurrence: occurrence, unitCost: unitCost));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.JsonAsync())["id"]!;
    }

    /// <summary>POSTs an operation with a Parameters body; a value that starts with a type name and '/' is a reference, a number a decimal.</summary>
    public static Task<HttpResponseMessage> OperationAsync(this HttpClient client, string operation, params (string Name, object Value)[] parameters)
    {
        var list = new JsonArray();
        foreach (var (name, value) in parameters)
        {
            var p = new JsonObject { ["name"] = name };
            switch (value)
            {
                case decimal or int: p["valueDecimal"] = Convert.ToDecimal(value, CultureInfo.InvariantCulture); break;
                case string s when s.Contains('/') && char.IsUpper(s[0]): p["valueReference"] = new JsonObject { ["reference"] = s }; break;
                default: p["valueString"] = value.ToString(); break;
            }
            list.Add(p);
        }
        return client.PostAsync("$" + operation, FhirServerFactory.Json(new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = list }.ToJsonString()));
    }

    /// <summary>$stock-level's total for an item (at a location, of a lot, as of a date).</summary>
    public static async Task<decimal> StockAsync(this HttpClient client, string item, string? location = null, string? lot = null, string? date = null)
    {
        var query = $"item={item}" + (location is null ? "" : $"&location={location}") + (lot is null ? "" : $"&lot={Uri.EscapeDataString(lot)}")
            + (date is null ? "" : $"&date={Uri.EscapeDataString(date)}");
        var response = await client.GetAsync("$stock-level?" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return Parameter(JsonNode.Parse(body)!, "total")!.GetValue<decimal>();
    }

    public static JsonNode? Parameter(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == name) is { } p
            ? p["valueDecimal"] ?? p["valueString"] ?? p["valueReference"]?["reference"] ?? p["valueDateTime"] ?? p["part"] : null;

    public static IEnumerable<JsonNode> Parts(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().Where(p => (string?)p!["name"] == name).Select(p => p!["part"]!);

    public static JsonNode? Part(JsonNode parts, string name) =>
        parts.AsArray().First(p => (string?)p!["name"] == name) is var p ? p!["valueDecimal"] ?? p["valueString"] ?? p["valueReference"]?["reference"] ?? p["valueDateTime"] ?? p["valueDate"] : null;

    /// <summary>Creates every queued follow-up now (SupplyRequests, alerts, charges), instead of waiting for the worker.</summary>
    public static Task DrainFollowUpsAsync(this FhirServerFactory factory) =>
        factory.Services.GetRequiredService<FollowUpWorker>().DrainAsync(CancellationToken.None);

    /// <summary>The alerts (Communications) of a category about a resource.</summary>
    public static async Task<List<JsonNode>> AlertsAsync(this HttpClient client, string about, string category)
    {
        var bundle = await client.SearchAsync($"Communication?about={about}&category={AlertSystem}|{category}");
        return (bundle["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!).ToList();
    }
}
