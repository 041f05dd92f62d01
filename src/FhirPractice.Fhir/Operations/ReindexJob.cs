using System.Text.Json;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Fhir.Operations;

/// <summary>What a $reindex job was asked to do: <see cref="Types"/> (empty for every type) and <see cref="Codes"/> (empty for every parameter).</summary>
public sealed record ReindexRequest(IReadOnlyList<string> Types, IReadOnlyList<string> Codes);

/// <summary>
/// How far a $reindex job is, committed with each batch: the index into the request's types (one pass over
/// all types when none was named) and the keyset cursor within it, so a restart resumes after the last batch.
/// </summary>
public sealed record ReindexProgress(int TypeIndex, long? After, long Reindexed, string? Error = null);

/// <summary>
/// The work of one $reindex job: pages through the current resources in batches, computes their index
/// entries again with the registry as it is now, and replaces the stored entries batch by batch through
/// the store's writer, committing the progress with each batch. Normal writes queue between batches.
/// </summary>
internal sealed class ReindexJob(IResourceStore store, SearchIndexer indexer, SearchParameterRegistry registry, ReindexOptions options, TimeProvider clock)
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json)!;

    /// <summary>Runs the job from its committed progress to the end, unless it is cancelled (in the store or through <paramref name="ct"/>).</summary>
    public async Task RunAsync(JobRecord job, CancellationToken ct)
    {
        var request = Deserialize<ReindexRequest>(job.Request);
        var progress = Deserialize<ReindexProgress>(job.Progress);
        IReadOnlyList<string?> types = request.Types.Count == 0 ? [null] : [.. request.Types];
        HashSet<string>? only = request.Codes.Count == 0 ? null : [.. request.Codes];
        while (progress.TypeIndex < types.Count)
        {
            ct.ThrowIfCancellationRequested();
            var type = types[progress.TypeIndex];
            var page = await store.SearchAsync(new SearchQuery(type, [], options.BatchSize, progress.After is long rid ? new PagePosition([], rid) : null), ct);
            var batch = page.Matches
                .Select(r => (Key: new ResourceKey(r.Type, r.Id, r.Version), Index: indexer.Index(ResourceSerializer.ParseTrustedJson(r.Json.Span), only)))
                .ToList();
            var names = only is null || type is null ? null : EntryNames(type, only);
            var current = progress;
            var next = await store.WriteAsync(tx =>
            {
                if (tx.ReadJob(job.Id) is not { Status: JobStatus.Running }) return null;
                var reindexed = batch.Count(b => tx.Reindex(b.Key, b.Index, names));
                var moved = page.Next?.Rid is long after
                    ? current with { After = after, Reindexed = current.Reindexed + reindexed }
                    : current with { TypeIndex = current.TypeIndex + 1, After = null, Reindexed = current.Reindexed + reindexed };
                tx.SaveJob(job with { Progress = Serialize(moved), Updated = tx.Timestamp });
                return moved;
            }, ct);
            if (next is null) return; // cancelled
            progress = next;
            if (options.BatchPause > TimeSpan.Zero && progress.TypeIndex < types.Count) await Task.Delay(options.BatchPause, clock, ct);
        }
        await store.WriteAsync(tx =>
        {
            if (tx.ReadJob(job.Id) is { Status: JobStatus.Running } running)
                tx.SaveJob(running with { Status = JobStatus.Completed, Updated = tx.Timestamp });
            return true;
        }, ct);
    }

    /// <summary>The names the entries of <paramref name="codes"/> are filed under on <paramref name="type"/> (a code no longer defined still names its old entries).</summary>
    private HashSet<string> EntryNames(string type, HashSet<string> codes)
    {
        var names = new HashSet<string>(codes, StringComparer.Ordinal);
        foreach (var p in registry.For(type))
            if (codes.Contains(p.Code)) names.UnionWith(SearchIndexer.EntryNames(p));
        return names;
    }
}
