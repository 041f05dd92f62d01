using System.Text.Json;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// How far the backfill is, committed with each batch: the index into <see cref="OccupancyBackfill.Types"/>, the keyset
/// cursor within that type, the versions handed to the hook, those of them that overbook (claimed anyway) and those
/// it could not file (a broken Schedule rule, a Slot ending before it starts: left unclaimed, as a write would refuse them).
/// </summary>
public sealed record BackfillProgress(int TypeIndex, long? After, long Filed, long Overbooked, long Unfiled);

/// <summary>
/// Files the Schedules, Slots and Appointments stored before the module's state existed, so they claim their time as
/// if written now: one store job (<see cref="JobId"/>), started at the first start with the module and resumed after a
/// stop, that pages through the current versions and hands each one with no filed state to the occupancy hook
/// (<see cref="OccupancyWriteHook.Backfill"/>) in one write transaction per batch, which also commits the progress.
/// A completed job is not run again. Schedules come first, so their capacities count for the claims after them.
/// </summary>
public sealed class OccupancyBackfill(IServiceProvider services, SchedulingOptions options, ILogger<OccupancyBackfill> log)
{
    public const string JobId = "scheduling-occupancy-backfill";
    public const string Kind = "scheduling.backfill";
    internal static readonly string[] Types = ["Schedule", "Slot", "Appointment"];

    private IResourceStore Store => services.GetRequiredService<FhirEngine>().Store;
    private OccupancyWriteHook Hook => services.GetServices<IWriteHook>().OfType<OccupancyWriteHook>().Single();

    /// <summary>Runs the backfill to its end (or until <paramref name="ct"/> stops it, to be resumed); returns its progress.</summary>
    public async Task<BackfillProgress> RunAsync(CancellationToken ct)
    {
        var job = await StartAsync(ct);
        var progress = Read(job);
        if (job.Status != JobStatus.Running) return progress;
        while (progress.TypeIndex < Types.Length) progress = await StepAsync(job, progress, ct);
        await Store.WriteAsync(tx =>
        {
            tx.SaveJob(job with { Status = JobStatus.Completed, Progress = JsonSerializer.Serialize(progress), Updated = tx.Timestamp });
            return true;
        }, ct);
        if (progress.Overbooked > 0)
            log.LogWarning("Occupancy backfill: {Overbooked} of {Filed} stored versions overbook a time already taken; they are claimed as they are",
                progress.Overbooked, progress.Filed);
        log.LogInformation("Occupancy backfill completed: {Filed} versions filed, {Overbooked} overbooking, {Unfiled} not filed",
            progress.Filed, progress.Overbooked, progress.Unfiled);
        return progress;
    }

    /// <summary>Files one batch (the next <see cref="SchedulingOptions.BackfillBatchSize"/> versions) and commits the progress; returns it.</summary>
    public async Task<BackfillProgress> StepAsync(CancellationToken ct)
    {
        var job = await StartAsync(ct);
        var progress = Read(job);
        return job.Status == JobStatus.Running && progress.TypeIndex < Types.Length ? await StepAsync(job, progress, ct) : progress;
    }

    /// <summary>The job as stored, created (running, from the start) when there is none.</summary>
    private Task<JobRecord> StartAsync(CancellationToken ct) => Store.WriteAsync(tx =>
    {
        if (tx.ReadJob(JobId) is { } job) return job;
        job = new JobRecord(JobId, Kind, JobStatus.Running, "{}", JsonSerializer.Serialize(new BackfillProgress(0, null, 0, 0, 0)), tx.Timestamp, tx.Timestamp);
        tx.SaveJob(job);
        return job;
    }, ct);

    private static BackfillProgress Read(JobRecord job) => JsonSerializer.Deserialize<BackfillProgress>(job.Progress)!;

    private async Task<BackfillProgress> StepAsync(JobRecord job, BackfillProgress progress, CancellationToken ct)
    {
        var page = await Store.SearchAsync(new SearchQuery(Types[progress.TypeIndex], [], options.BackfillBatchSize,
            progress.After is long rid ? new PagePosition([], rid) : null), ct);
        var hook = Hook;
        var unfiled = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            try
            {
                return await Store.WriteAsync(tx =>
                {
                    var (filed, overbooked) = (0, 0);
                    foreach (var record in page.Matches)
                    {
                        var owner = $"{record.Type}/{record.Id}";
                        // A newer version was filed when it was written; a filed one has its state already.
                        if (unfiled.Contains(owner) || tx.ReadCurrent(record.Type, record.Id)?.Version != record.Version
                            || tx.ReadState(OccupancyKeys.Owned, owner) is not null) continue;
                        var write = new ResourceWrite(record.Type, record.Id, record.Version, record.LastUpdated, record.Method, record.Json, []);
                        try
                        {
                            if (hook.Backfill(tx, write, job.Created)) overbooked++;
                        }
                        catch (FhirError e)
                        {
                            throw new Unfileable(owner, e);
                        }
                        filed++;
                    }
                    var next = page.Next?.Rid is long after
                        ? progress with { After = after }
                        : progress with { TypeIndex = progress.TypeIndex + 1, After = null };
                    next = next with { Filed = next.Filed + filed, Overbooked = next.Overbooked + overbooked, Unfiled = next.Unfiled + unfiled.Count };
                    tx.SaveJob(job with { Progress = JsonSerializer.Serialize(next), Updated = tx.Timestamp });
                    return next;
                }, ct);
            }
            catch (Unfileable e)
            {
                // Its filing was rolled back with the batch; the batch is filed again without it.
                log.LogWarning("Occupancy backfill: {Owner} cannot be filed ({Status}); it claims nothing until written again", e.Owner, (int)e.Error.Status);
                unfiled.Add(e.Owner);
            }
        }
    }

    /// <summary>A version the hook refuses (what a write of it would be refused for), carried out of the batch's transaction.</summary>
    private sealed class Unfileable(string owner, FhirError error) : Exception(error.Message)
    {
        public string Owner { get; } = owner;
        public FhirError Error { get; } = error;
    }
}
