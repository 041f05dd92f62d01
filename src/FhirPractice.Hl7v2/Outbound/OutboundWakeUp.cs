using System.Threading.Channels;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>Tells the destinations' senders to look at their queues now (a write committed, staff retried a message) instead of at their next poll.</summary>
public sealed class OutboundWakeUp
{
    private readonly Dictionary<string, Channel<bool>> _signals;

    public OutboundWakeUp(OutboundOptions options) =>
        _signals = options.Destinations.Keys.ToDictionary(d => d, _ => Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite }));

    public void Wake()
    {
        foreach (var signal in _signals.Values) signal.Writer.TryWrite(true);
    }

    public void Wake(string destination)
    {
        if (_signals.TryGetValue(destination, out var signal)) signal.Writer.TryWrite(true);
    }

    /// <summary>Waits until woken or <paramref name="timeout"/> has passed.</summary>
    public async Task WaitAsync(string destination, TimeSpan timeout, CancellationToken ct)
    {
        var reader = _signals[destination].Reader;
        if (reader.TryRead(out _)) return;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
        try { await reader.WaitToReadAsync(wait.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        reader.TryRead(out _);
    }
}
