using FhirPractice.Inventory;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FhirPractice.Server.Tests.Inventory.InventoryHttp;

namespace FhirPractice.Server.Tests.Inventory;

/// <summary>A server whose clock the test moves; the expiry sweeper runs once a simulated day.</summary>
public sealed class FakeClockServerFactory : FhirServerFactory
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("FhirPractice:Inventory:ExpirySweepInterval", "1.00:00:00")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public class ExpiryAlertTests(FakeClockServerFactory factory) : IClassFixture<FakeClockServerFactory>
{
    private readonly HttpClient _client = factory.Client;

    [Fact]
    public async Task The_sweeper_raises_one_alert_at_90_60_and_30_days_before_a_lot_expires()
    {
        var (item, room) = NewStock();
        var start = factory.Clock.GetUtcNow();
        await _client.ReceiveAsync(item, room, 4, lot: "V1", expiry: DateOnly.FromDateTime(start.UtcDateTime).AddDays(95).ToString("yyyy-MM-dd"),
            occurrence: start.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        var (empty, emptyRoom) = NewStock();
        await _client.ReceiveAsync(empty, emptyRoom, 1, lot: "E1", expiry: DateOnly.FromDateTime(start.UtcDateTime).AddDays(10).ToString("yyyy-MM-dd"),
            occurrence: start.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        await _client.PostAsync(Delivery("consumption", empty, 1, source: emptyRoom, lot: "E1", occurrence: start.ToString("yyyy-MM-ddTHH:mm:ssZ")));

        // The background sweeper runs on the moved clock too; sweeping here as well makes each step deterministic
        // (an alert is raised once whoever sweeps).
        var sweeper = factory.Services.GetRequiredService<ExpirySweeper>();
        async Task<List<string>> AlertsAfter(int days)
        {
            factory.Clock.Advance(TimeSpan.FromDays(days));
            await sweeper.SweepAsync(CancellationToken.None);
            await factory.DrainFollowUpsAsync();
            var codes = new List<string>();
            foreach (var code in new[] { "expiry-90", "expiry-60", "expiry-30" })
                codes.AddRange((await _client.AlertsAsync(room, code)).Select(_ => code));
            return codes;
        }

        Assert.Empty(await AlertsAfter(1));
        Assert.Equal(["expiry-90"], await AlertsAfter(5));
        Assert.Equal(["expiry-90"], await AlertsAfter(3));
        Assert.Equal(["expiry-90", "expiry-60"], await AlertsAfter(30));
        Assert.Equal(["expiry-90", "expiry-60", "expiry-30"], await AlertsAfter(35));
        Assert.Empty(await _client.AlertsAsync(emptyRoom, "expiry-30")); // no stock left, nothing to warn about
    }
}
