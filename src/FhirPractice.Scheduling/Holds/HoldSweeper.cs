using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Scheduling.Operations;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Scheduling.Holds;

/// <summary>
/// Frees expired holds: every <see cref="SchedulingOptions.SweepInterval"/> it cancels the pending Appointments
/// whose expiry (kept in module state by the occupancy hook, so it survives restarts) has passed, with their Slots,
/// through the engine as an internal caller. A hold booked meanwhile is left alone: the cancel is conditional on the
/// version that was held.
/// </summary>
public sealed class HoldSweeper(IServiceProvider services, CancelOperation cancel, SchedulingOptions options, TimeProvider clock, ILogger<HoldSweeper> log)
    : BackgroundService
{
    private static readonly FhirRequest Internal = new("POST", "", []) { Caller = FhirCaller.Internal("scheduling") };

    /// <summary>Cancels every hold expired by now; returns how many it freed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var engine = services.GetRequiredService<FhirEngine>();
        var freed = 0;
        foreach (var hold in await engine.Store.ScanStateAsync(OccupancyKeys.ExpiredHolds(clock.GetUtcNow(), 200), ct))
        {
            var id = hold.Key[(hold.Key.IndexOf('|') + 1)..];
            try
            {
                var appointment = await EngineCalls.ReadAsync<Appointment>(engine, Internal, $"Appointment/{id}", ct);
                if (appointment.Meta?.VersionId != hold.Value) continue;
                await EngineCalls.TransactionAsync(engine, Internal, new Bundle { Entry = await cancel.EntriesAsync(engine, Internal, appointment, "hold expired", ct) }, ct);
                freed++;
            }
            catch (FhirError e)
            {
                // Booked, cancelled or changed since it was read: no longer this sweeper's hold.
                log.LogDebug("Hold {Id} not freed: {Status}", id, e.Status);
            }
        }
        return freed;
    }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await SweepAsync(stoppingToken) is > 0 and var freed) log.LogInformation("Freed {Count} expired holds", freed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Sweeping expired holds failed; trying again after the interval");
            }
            try { await System.Threading.Tasks.Task.Delay(options.SweepInterval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
