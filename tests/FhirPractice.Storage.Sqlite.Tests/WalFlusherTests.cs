namespace FhirPractice.Storage.Sqlite.Tests;

public sealed class WalFlusherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A flush that waits for the test to let it finish, counting the flushes that finished.</summary>
    private sealed class GatedFlush
    {
        public readonly SemaphoreSlim Started = new(0);
        public readonly SemaphoreSlim Release = new(0);
        public int Finished;
        public bool Fail;

        public void Flush()
        {
            Started.Release();
            if (!Release.Wait(Patience)) throw new TimeoutException("the test never released the flush");
            if (Fail) { Fail = false; throw new IOException("disk gone"); }
            Interlocked.Increment(ref Finished);
        }
    }

    private static (Task<int> Answered, Action<Exception?> Answer) Job(GatedFlush gate)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        return (done.Task, failure =>
        {
            if (failure is null) done.SetResult(Volatile.Read(ref gate.Finished));
            else done.SetException(failure);
        });
    }

    [Fact]
    public async Task A_commit_is_answered_only_after_a_flush_that_started_after_it_was_handed_over()
    {
        var gate = new GatedFlush();
        var flusher = new WalFlusher(gate.Flush, () => { });
        var first = Job(gate);
        flusher.Committed([first.Answer]);
        Assert.True(await gate.Started.WaitAsync(Patience));

        // Handed over while the first flush runs: that flush may have missed it, so it waits for the next.
        var second = Job(gate);
        var third = Job(gate);
        flusher.Committed([second.Answer, third.Answer]);
        await Task.Delay(50);
        Assert.False(first.Answered.IsCompleted);

        gate.Release.Release();
        Assert.Equal(1, await first.Answered.WaitAsync(Patience));
        Assert.True(await gate.Started.WaitAsync(Patience));
        Assert.False(second.Answered.IsCompleted);
        gate.Release.Release();
        Assert.Equal(2, await second.Answered.WaitAsync(Patience));
        Assert.Equal(2, await third.Answered.WaitAsync(Patience));
        await flusher.CompleteAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task After_a_failed_flush_no_commit_is_acknowledged_any_more()
    {
        var gate = new GatedFlush { Fail = true };
        var flusher = new WalFlusher(gate.Flush, () => { });
        var lost = Job(gate);
        flusher.Committed([lost.Answer]);
        Assert.True(await gate.Started.WaitAsync(Patience));
        var later = Job(gate);
        flusher.Committed([later.Answer]);
        gate.Release.Release();

        var error = await Assert.ThrowsAsync<IOException>(() => lost.Answered.WaitAsync(Patience));
        Assert.Contains("durable", error.Message);
        // A later fsync could succeed without the pages the failed one lost: the later commit fails too, unflushed.
        await Assert.ThrowsAsync<IOException>(() => later.Answered.WaitAsync(Patience));
        var afterwards = Job(gate);
        flusher.Committed([afterwards.Answer]);
        await Assert.ThrowsAsync<IOException>(() => afterwards.Answered.WaitAsync(Patience));
        Assert.False(await gate.Started.WaitAsync(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(0, gate.Finished);
        await flusher.CompleteAsync().WaitAsync(Patience);
    }

    [Fact]
    public async Task Stopping_flushes_and_answers_what_was_handed_over_then_closes()
    {
        var gate = new GatedFlush();
        var closed = false;
        var flusher = new WalFlusher(gate.Flush, () => closed = true);
        var job = Job(gate);
        flusher.Committed([job.Answer]);
        var stopping = flusher.CompleteAsync();
        Assert.Throws<ObjectDisposedException>(() => flusher.Committed([Job(gate).Answer]));
        gate.Release.Release();
        await stopping.WaitAsync(Patience);
        Assert.Equal(1, await job.Answered.WaitAsync(Patience));
        Assert.True(closed);
    }
}
