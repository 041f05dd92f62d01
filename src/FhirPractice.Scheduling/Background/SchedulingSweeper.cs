using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Scheduling.Operations;
using FhirPractice.Scheduling.Reminders;
using FhirPractice.Scheduling.Waitlist;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Scheduling.Background;

/// <summary>
/// Every <see cref="SchedulingOptions.SweepInterval"/>: cancels the holds whose expiry has passed (with their Slots)
/// and, when <see cref="SchedulingOptions.NoShowGrace"/> is set, marks booked appointments nobody checked in as
/// no-shows; then applies replies to reminders, offers freed times to the waitlist and sends the reminders due. Both lists are module state the occupancy hook keeps (so a restart loses nothing); each change goes
/// through the engine as an internal caller, conditional on the version that was filed, so an appointment booked or
/// checked in meanwhile is left alone.
/// </summary>
public sealed class SchedulingSweeper(IServiceProvider services, CancelOperation cancel, WaitlistOffers waitlist, ReminderWorker reminders,
    SchedulingOptions options, TimeProvider clock, ILogger<SchedulingSweeper> log)
    : BackgroundService
{
    private static readonly FhirRequest Internal = EngineCalls.Internal;
    private const int Batch = 200;

    /// <summary>Cancels every hold expired by now; returns how many it freed.</summary>
    public Task<int> FreeExpiredHoldsAsync(CancellationToken ct = default) =>
        SweepAsync(OccupancyKeys.ExpiredHolds(clock.GetUtcNow(), Batch), (engine, appointment) => cancel.EntriesAsync(engine, Internal, appointment, "hold expired", ct), ct);

    /// <summary>Marks the booked appointments that started more than the grace period ago as no-shows; returns how many.</summary>
    public Task<int> MarkNoShowsAsync(CancellationToken ct = default) => options.NoShowGrace is { } grace
        ? SweepAsync(OccupancyKeys.BookedBefore(clock.GetUtcNow() - grace, Batch), (_, appointment) => System.Threading.Tasks.Task.FromResult(new List<Bundle.EntryComponent> { NoShowOperation.Entry(appointment) }), ct)
        : System.Threading.Tasks.Task.FromResult(0);

    private async Task<int> SweepAsync(StateRange due, Func<FhirEngine, Appointment, Task<List<Bundle.EntryComponent>>> change, CancellationToken ct)
    {
        var engine = services.GetRequiredService<FhirEngine>();
        var done = 0;
        foreach (var entry in await engine.Store.ScanStateAsync(due, ct))
        {
            var id = entry.Key[(entry.Key.IndexOf('|') + 1)..];
            try
            {
                var appointment = await EngineCalls.ReadAsync<Appointment>(engine, Internal, $"Appointment/{id}", ct);
                if (appointment.Meta?.VersionId != entry.Value) continue;
                await EngineCalls.TransactionAsync(engine, Internal, new Bundle { Entry = await change(engine, appointment) }, ct);
                done++;
            }
            catch (FhirError e)
            {
                // Changed since it was filed (booked, checked in, cancelled): no longer due.
                log.LogDebug("Appointment {Id} left as it is: {Status}", id, e.Status);
            }
        }
        return done;
    }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await FreeExpiredHoldsAsync(stoppingToken) is > 0 and var freed) log.LogInformation("Freed {Count} expired holds", freed);
                if (await MarkNoShowsAsync(stoppingToken) is > 0 and var missed) log.LogInformation("Marked {Count} appointments as no-shows", missed);
                if (await reminders.ApplyRepliesAsync(stoppingToken) is > 0 and var replies) log.LogInformation("Applied {Count} replies to reminders", replies);
                if (await waitlist.OfferFreedTimesAsync(stoppingToken) is > 0 and var offers) log.LogInformation("Offered {Count} freed times to the waitlist", offers);
                if (await reminders.SendDueAsync(stoppingToken) is > 0 and var sent) log.LogInformation("Sent {Count} reminders", sent);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The scheduling sweep failed; trying again after the interval");
            }
            try { await System.Threading.Tasks.Task.Delay(options.SweepInterval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
