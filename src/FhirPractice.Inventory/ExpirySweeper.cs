using FhirPractice.Fhir.Storage;
using FhirPractice.Inventory.FollowUps;
using FhirPractice.Inventory.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static FhirPractice.Inventory.Model.InventoryVocabulary;

namespace FhirPractice.Inventory;

/// <summary>
/// Every <see cref="InventoryOptions.ExpirySweepInterval"/> (on the injected clock, so tests move time), looks at
/// every lot with stock and queues one alert per location and lot for the nearest threshold it has reached
/// (90, 60, 30 days before expiry by default); thresholds passed together raise one alert, for the nearest.
/// </summary>
public sealed class ExpirySweeper(IResourceStore store, StockQueries queries, InventoryOptions options, TimeProvider clock, PracticeCalendar calendar, FollowUpSignal signal,
    ILogger<ExpirySweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await SweepAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Inventory expiry sweep failed"); }
            try { await Task.Delay(options.ExpirySweepInterval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = calendar.DayOf(now);
        var thresholds = options.ExpiryAlertDays.Order().ToArray();
        foreach (var bucket in await queries.OnHandAsync(null, null, null, ct))
        {
            if (bucket.Quantity <= 0 || bucket.Expiry is not { } expiry) continue;
            var daysLeft = expiry.DayNumber - today.DayNumber;
            if (thresholds.FirstOrDefault(t => daysLeft <= t) is not (> 0 and var threshold)) continue;
            var key = StockKeys.Join(bucket.Item, bucket.Location, bucket.Lot, threshold.ToString());
            await store.WriteAsync(tx =>
            {
                if (tx.ReadState(StockKeys.ExpiryAlerted, key) is not null) return 0;
                // The farther thresholds count as raised too: a lot first seen at 25 days gets one alert, not three.
                foreach (var t in thresholds.Where(t => t >= threshold))
                    tx.SaveState(new StateEntry(StockKeys.ExpiryAlerted, StockKeys.Join(bucket.Item, bucket.Location, bucket.Lot, t.ToString()), now.ToString("O")));
                FollowUpQueue.Add(tx, new FollowUp(FollowUp.AlertKind, FollowUpQueue.NewId(), bucket.Item, bucket.Location, now, ExpiryAlert(threshold),
                    daysLeft < 0
                        ? $"Expired: lot '{bucket.Lot}' of {bucket.Item} at {bucket.Location} ({bucket.Quantity} units) expired on {expiry:yyyy-MM-dd}"
                        : $"Expiring: lot '{bucket.Lot}' of {bucket.Item} at {bucket.Location} ({bucket.Quantity} units) expires on {expiry:yyyy-MM-dd}, in {daysLeft} days"));
                return 1;
            }, ct);
        }
        signal.Wake();
    }
}
