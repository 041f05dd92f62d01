namespace FhirPractice.Scheduling.Background;

/// <summary>
/// Runs a worker's rounds one at a time (the sweeper's and a direct call's): the store already keeps a reminder or an
/// offer from happening twice, this keeps two rounds from racing for the same entries and lets a caller that
/// returns know the round in flight has finished.
/// </summary>
internal sealed class OneAtATime
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { return await work(); }
        finally { _gate.Release(); }
    }
}
