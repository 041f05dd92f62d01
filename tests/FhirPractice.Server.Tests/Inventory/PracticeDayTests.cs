using System.Net;
using FhirPractice.Inventory;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Inventory.InventoryHttp;

namespace FhirPractice.Server.Tests.Inventory;

/// <summary>A practice in New York (UTC−5 in winter).</summary>
public sealed class NewYorkServerFactory : FhirServerFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("FhirPractice:Practice:TimeZone", "America/New_York")];
}

/// <summary>Expiry dates and "as of" dates are the practice's days, not UTC days.</summary>
public class PracticeDayTests(NewYorkServerFactory factory) : IClassFixture<NewYorkServerFactory>
{
    private readonly HttpClient _client = factory.Client;

    [Fact]
    public async Task A_lot_is_usable_until_the_end_of_its_expiry_day_where_the_practice_is()
    {
        var (item, room) = NewStock();
        await _client.ReceiveAsync(item, room, 5, lot: "L1", expiry: "2026-03-01", occurrence: "2026-02-01T12:00:00Z");

        // 20:00 on 1 March in New York is already 2 March in UTC: still the expiry day, still usable.
        var evening = await _client.PostAsync(Delivery("consumption", item, 1, source: room, lot: "L1", occurrence: "2026-03-02T01:00:00Z"));
        Assert.Equal(HttpStatusCode.Created, evening.StatusCode);
        // 01:00 on 2 March in New York: expired.
        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync(Delivery("consumption", item, 1, source: room, lot: "L1", occurrence: "2026-03-02T06:00:00Z")),
            HttpStatusCode.UnprocessableEntity, "expired");
        // $consume plans first-expiry-first-out on the practice's day as well.
        var planned = await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("occurrence", "2026-03-02T04:59:00Z"));
        Assert.Equal(HttpStatusCode.OK, planned.StatusCode);
        await FhirHttp.AssertOutcomeAsync(await _client.OperationAsync("consume", ("item", item), ("location", room), ("quantity", 1), ("occurrence", "2026-03-02T05:00:00Z")),
            HttpStatusCode.Conflict, "usable");
    }

    [Fact]
    public async Task Stock_as_of_a_date_includes_that_whole_practice_day()
    {
        var (item, room) = NewStock();
        // 22:00 on 10 March in New York (EDT since 8 March: UTC−4), 02:00 on 11 March in UTC.
        await _client.ReceiveAsync(item, room, 3, occurrence: "2026-03-11T02:00:00Z");
        Assert.Equal(3, await _client.StockAsync(item, room, date: "2026-03-10"));
        Assert.Equal(0, await _client.StockAsync(item, room, date: "2026-03-09"));
    }

    [Fact]
    public void The_last_instant_of_a_day_follows_daylight_saving_changes()
    {
        var calendar = new PracticeCalendar(TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 3, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), calendar.EndOf(new DateOnly(2026, 3, 8)));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 4, 59, 59, TimeSpan.Zero).AddTicks(9_999_999), calendar.EndOf(new DateOnly(2026, 11, 1)));
        Assert.Equal(new DateOnly(2026, 3, 1), calendar.DayOf(new DateTimeOffset(2026, 3, 2, 4, 59, 0, TimeSpan.Zero)));
    }
}
