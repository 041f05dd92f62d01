namespace FhirPractice.Inventory.FollowUps;

/// <summary>Wakes the follow-up worker after a commit that may have queued something.</summary>
public sealed class FollowUpSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0) try { _signal.Release(); } catch (SemaphoreFullException) { }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
