using System.Text;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Storage.Sqlite.Tests;

public sealed class SqliteOutboxTests : TempStoreTests
{
    /// <summary>Writes a Patient version and, in the same transaction, a message about it to each destination.</summary>
    private Task<long> WriteWithMessages(string id, params string[] destinations) => Store.WriteAsync(tx =>
    {
        var version = (tx.ReadCurrent("Patient", id)?.Version ?? 0) + 1;
        tx.Write(new ResourceWrite("Patient", id, version, tx.Timestamp, "PUT", Encoding.UTF8.GetBytes($$"""{"resourceType":"Patient","id":"{{id}}"}"""), []));
        foreach (var d in destinations)
            tx.Enqueue(new OutboxMessage(0, d, "ADT", "Patient", id, version, OutboxStatus.Pending, 0, tx.Timestamp, tx.Timestamp));
        return version;
    });

    private async Task<List<OutboxMessage>> Queue(string? destination, params OutboxStatus[] statuses) =>
        (await Store.OutboxAsync(new OutboxQuery(destination, statuses, null, 100))).ToList();

    [Fact]
    public async System.Threading.Tasks.Task Messages_are_queued_per_destination_in_write_order()
    {
        await WriteWithMessages("p1", "a", "b");
        await WriteWithMessages("p1", "a");
        await WriteWithMessages("p2", "b");

        var a = await Queue("a");
        Assert.Equal([("p1", 1L), ("p1", 2L)], a.Select(m => (m.ResourceId, m.ResourceVersion)));
        Assert.All(a, m => Assert.Equal(OutboxStatus.Pending, m.Status));
        Assert.Equal([("p1", 1L), ("p2", 1L)], (await Queue("b")).Select(m => (m.ResourceId, m.ResourceVersion)));
        Assert.True(a[0].Id < a[1].Id);
        Assert.Single(await Store.OutboxAsync(new OutboxQuery("a", null, a[0].Id, 100)));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_rolled_back_write_leaves_no_message()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync<int>(tx =>
        {
            tx.Enqueue(new OutboxMessage(0, "a", "ADT", "Patient", "p1", 1, OutboxStatus.Pending, 0, tx.Timestamp, tx.Timestamp));
            throw new InvalidOperationException("the write fails");
        }));
        Assert.Empty(await Queue(null));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_saved_state_is_read_back_and_filters_by_status()
    {
        await WriteWithMessages("p1", "a");
        await WriteWithMessages("p1", "a");
        var first = (await Queue("a"))[0];
        var next = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 5000);
        await Store.WriteAsync(tx =>
        {
            tx.SaveOutbox(first with { Status = OutboxStatus.Failed, Attempts = 3, NextAttempt = next, Payload = "MSH|^~\\&|", LastError = "AE: unknown patient" });
            return 0;
        });

        var read = await Store.ReadOutboxAsync(first.Id);
        Assert.Equal((OutboxStatus.Failed, 3, next, "MSH|^~\\&|", "AE: unknown patient"), (read!.Status, read.Attempts, read.NextAttempt, read.Payload, read.LastError));
        Assert.Equal([first.Id], (await Queue("a", OutboxStatus.Failed)).Select(m => m.Id));
        Assert.Single(await Queue("a", OutboxStatus.Pending));
        Assert.Equal(2, (await Queue("a", OutboxStatus.Pending, OutboxStatus.Failed)).Count);
        Assert.Null(await Store.ReadOutboxAsync(first.Id + 100));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_queue_survives_a_restart()
    {
        await WriteWithMessages("p1", "a");
        await Reopen();
        Assert.Single(await Queue("a", OutboxStatus.Pending));
    }
}
