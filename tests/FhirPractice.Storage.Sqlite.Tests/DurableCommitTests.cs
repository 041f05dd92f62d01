using System.Text;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Storage.Sqlite.Tests;

/// <summary>The store with <c>Synchronous=FULL</c>, where commits are answered after <see cref="WalFlusher"/> has put them on disk.</summary>
public sealed class DurableCommitTests : TempStoreTests
{
    protected override string Synchronous => "FULL";

    private Task<long> Write(string id) => Store.WriteAsync(tx =>
    {
        var version = (tx.ReadCurrent("Patient", id)?.Version ?? 0) + 1;
        tx.Write(new ResourceWrite("Patient", id, version, tx.Timestamp, version == 1 ? "POST" : "PUT",
            Encoding.UTF8.GetBytes($$"""{"resourceType":"Patient","id":"{{id}}"}"""), []));
        return version;
    });

    [Fact]
    public async Task Concurrent_commits_are_all_answered_and_are_there_after_a_restart()
    {
        var writes = Enumerable.Range(0, 300).Select(i => Write($"p{i % 50}")).ToList();
        var versions = await Task.WhenAll(writes);
        Assert.Equal(300, versions.Length);
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal(6, versions.Where((_, n) => n % 50 == i).Max()));

        await Reopen();
        for (var i = 0; i < 50; i++)
            Assert.Equal(6, (await Store.ReadAsync("Patient", $"p{i}"))!.Version);
    }

    [Fact]
    public async Task A_failed_job_is_answered_with_its_error_and_the_jobs_beside_it_commit()
    {
        var failing = Store.WriteAsync<int>(_ => throw new InvalidOperationException("refused"));
        var fine = Write("kept");
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(1, await fine);
        await Reopen();
        Assert.NotNull(await Store.ReadAsync("Patient", "kept"));
    }
}
