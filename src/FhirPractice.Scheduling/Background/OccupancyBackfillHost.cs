using FhirPractice.Scheduling.Occupancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Scheduling.Background;

/// <summary>Runs <see cref="OccupancyBackfill"/> in the background from the start, so the start does not wait for it; a stop leaves it to be resumed.</summary>
public sealed class OccupancyBackfillHost(OccupancyBackfill backfill, ILogger<OccupancyBackfillHost> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await backfill.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped with the server: the committed batches stay, the next start resumes after them.
        }
        catch (Exception e)
        {
            log.LogError("The occupancy backfill failed ({Exception}); the next start resumes it", e.GetType().Name);
        }
    }
}
