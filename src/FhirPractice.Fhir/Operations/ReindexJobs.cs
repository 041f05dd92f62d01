using System.Collections.Concurrent;
using System.Net;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Fhir.Operations;

public sealed class ReindexOptions
{
    /// <summary>How many resources one batch reindexes in one write transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>A pause between batches, to leave the writer to normal traffic on a busy server.</summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.Zero;
}

/// <summary>
/// Runs $reindex jobs in the background and answers for them at <c>[base]/_jobs/{id}</c>. A job's state
/// lives in the store, so a job the server stopped during is resumed at the next start (<see cref="ResumeAsync"/>).
/// </summary>
public sealed class ReindexJobs(IResourceStore store, SearchIndexer indexer, SearchParameterRegistry registry, ReindexOptions options,
    TimeProvider clock, ILogger<ReindexJobs> log)
{
    public const string Kind = "reindex";

    private readonly ReindexJob _work = new(store, indexer, registry, options, clock);
    private readonly ConcurrentDictionary<string, (Task Run, CancellationTokenSource Cancel)> _running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Persists a new job and starts it.</summary>
    public async Task<JobRecord> StartAsync(ReindexRequest request, CancellationToken ct)
    {
        var id = ResourcePreparer.NewId();
        var job = await store.WriteAsync(tx =>
        {
            var job = new JobRecord(id, Kind, JobStatus.Running, ReindexJob.Serialize(request), ReindexJob.Serialize(new ReindexProgress(0, null, 0)), tx.Timestamp, tx.Timestamp);
            tx.SaveJob(job);
            return job;
        }, ct);
        Run(job);
        return job;
    }

    /// <summary>Starts again the jobs a stop interrupted.</summary>
    public async Task ResumeAsync(CancellationToken ct)
    {
        foreach (var job in await store.UnfinishedJobsAsync(ct))
            if (job.Kind == Kind) Run(job);
    }

    private void Run(JobRecord job)
    {
        if (_stopping.IsCancellationRequested) return;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var run = new Task<Task>(() => RunAsync(job, cancel.Token));
        if (!_running.TryAdd(job.Id, (run.Unwrap(), cancel))) { cancel.Dispose(); return; }
        run.Start(TaskScheduler.Default);
    }

    private async Task RunAsync(JobRecord job, CancellationToken ct)
    {
        try
        {
            await _work.RunAsync(job, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped with the server (the job stays running, to be resumed) or cancelled (already recorded).
        }
        catch (Exception e)
        {
            log.LogError("Reindex job {Job} failed: {Exception}", job.Id, e.GetType().Name);
            await store.WriteAsync(tx =>
            {
                if (tx.ReadJob(job.Id) is { Status: JobStatus.Running } running)
                    tx.SaveJob(running with
                    {
                        Status = JobStatus.Failed,
                        Progress = ReindexJob.Serialize(ReindexJob.Deserialize<ReindexProgress>(running.Progress) with { Error = e.Message }),
                        Updated = tx.Timestamp,
                    });
                return true;
            }, CancellationToken.None);
        }
        finally
        {
            if (_running.TryRemove(job.Id, out var entry)) entry.Cancel.Dispose();
        }
    }

    /// <summary>Stops every running job where it is; their committed progress stays, to be resumed.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values.Select(r => r.Run));
    }

    /// <summary>The FHIR async pattern: 202 with X-Progress while running, 200 with a summary when done, 404 when unknown.</summary>
    public async Task<FhirResponse> StatusAsync(string id, CancellationToken ct)
    {
        var job = await store.ReadJobAsync(id, ct);
        if (job is not { Kind: Kind }) throw FhirError.NotFound($"There is no job '{id}'");
        var progress = ReindexJob.Deserialize<ReindexProgress>(job.Progress);
        return job.Status switch
        {
            JobStatus.Running => new FhirResponse { Status = HttpStatusCode.Accepted, Progress = $"reindexed {progress.Reindexed} resources" },
            JobStatus.Failed => throw new FhirError(HttpStatusCode.InternalServerError, OperationOutcome.IssueType.Exception,
                $"The reindex job failed after reindexing {progress.Reindexed} resources: {progress.Error}"),
            _ => new FhirResponse { Resource = Summary(job, progress) },
        };
    }

    /// <summary>Cancels a running job; what it reindexed so far stays.</summary>
    public async Task<FhirResponse> CancelAsync(string id, CancellationToken ct)
    {
        var job = await store.WriteAsync(tx =>
        {
            var job = tx.ReadJob(id);
            if (job is { Kind: Kind, Status: JobStatus.Running }) tx.SaveJob(job = job with { Status = JobStatus.Cancelled, Updated = tx.Timestamp });
            return job;
        }, ct);
        if (job is not { Kind: Kind }) throw FhirError.NotFound($"There is no job '{id}'");
        if (_running.TryGetValue(id, out var running)) await running.Cancel.CancelAsync();
        var message = job.Status == JobStatus.Cancelled ? $"The reindex job {id} is cancelled" : $"The reindex job {id} had already ended ({job.Status.ToString().ToLowerInvariant()})";
        return new FhirResponse
        {
            Status = job.Status == JobStatus.Cancelled ? HttpStatusCode.Accepted : HttpStatusCode.OK,
            Resource = FhirError.Issue(OperationOutcome.IssueType.Informational, message, severity: OperationOutcome.IssueSeverity.Information),
        };
    }

    private static Parameters Summary(JobRecord job, ReindexProgress progress)
    {
        var request = ReindexJob.Deserialize<ReindexRequest>(job.Request);
        var summary = new Parameters();
        summary.Add("status", new Code(job.Status.ToString().ToLowerInvariant()));
        summary.Add("reindexed", new Integer((int)Math.Min(progress.Reindexed, int.MaxValue)));
        foreach (var type in request.Types) summary.Add("type", new Code(type));
        foreach (var code in request.Codes) summary.Add("code", new Code(code));
        summary.Add("started", new Instant(job.Created));
        summary.Add("ended", new Instant(job.Updated));
        return summary;
    }
}
