using System.Text;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FhirPractice.Storage.Sqlite.Tests;

public sealed class SqliteResourceStoreTests : TempStoreTests
{
    private static readonly SearchParameterInfo Identifier =
        new("identifier", "Patient", SearchParamType.Token, "Patient.identifier", null, []);

    private static ResourceWrite Patient(string id, long version, DateTimeOffset at, string identifier = "a") =>
        new("Patient", id, version, at, version == 1 ? "POST" : "PUT", Encoding.UTF8.GetBytes($$"""{"resourceType":"Patient","id":"{{id}}"}"""),
            [new TokenIndexEntry("identifier", "urn:sys", identifier, null)]);

    private Task<ResourceWrite> Write(string id, string identifier = "a") => Store.WriteAsync(tx =>
    {
        var version = (tx.ReadCurrent("Patient", id)?.Version ?? 0) + 1;
        var write = Patient(id, version, tx.Timestamp, identifier);
        tx.Write(write);
        return write;
    });

    private static SearchQuery ByIdentifier(string code) =>
        new("Patient", [new SearchCriterion(Identifier, null, [new TokenValue("urn:sys", code)])], 10);

    [Fact]
    public async System.Threading.Tasks.Task A_conditional_match_costs_the_same_however_many_resources_of_its_type_there_are()
    {
        await Write("wanted", "wanted");
        var few = MatchSteps(ByIdentifier("wanted"));
        await Store.WriteAsync(tx =>
        {
            for (var i = 0; i < 2000; i++) tx.Write(Patient($"other{i}", 1, tx.Timestamp, $"other{i}"));
            return 0;
        });

        // A look-up's steps barely move (a step or two as the index deepens); a pass over the type's rows, what the
        // match did before it was ordered, takes thousands more.
        Assert.InRange(MatchSteps(ByIdentifier("wanted")), few, few + 20);
    }

    /// <summary>
    /// The virtual-machine steps SQLite runs for the conditional-match statement of <paramref name="query"/>, which must
    /// find exactly one resource: the statement's work, counted the same on a fast machine and a slow one.
    /// </summary>
    private long MatchSteps(SearchQuery query)
    {
        using var connection = new SqliteConnection($"Data Source={StorePath}");
        connection.Open();
        using var cmd = SqliteSearch.MatchCommand(connection, query, 2);
        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_prepare_v2(connection.Handle, cmd.CommandText, out var stmt));
        using (stmt)
        {
            foreach (SqliteParameter p in cmd.Parameters)
            {
                var at = raw.sqlite3_bind_parameter_index(stmt, p.ParameterName);
                Assert.Equal(raw.SQLITE_OK, p.Value switch
                {
                    string text => raw.sqlite3_bind_text(stmt, at, text),
                    long number => raw.sqlite3_bind_int64(stmt, at, number),
                    var other => throw new NotSupportedException(other?.GetType().Name),
                });
            }
            var rows = 0;
            while (raw.sqlite3_step(stmt) == raw.SQLITE_ROW) rows++;
            Assert.Equal(1, rows);
            return raw.sqlite3_stmt_status(stmt, raw.SQLITE_STMTSTATUS_VM_STEP, 0);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task A_types_stamp_moves_once_a_version_of_it_is_committed_not_before()
    {
        var before = Store.TypeStamp("Patient");
        Assert.NotNull(before);

        var during = await Store.WriteAsync(tx =>
        {
            tx.Write(Patient("s1", 1, tx.Timestamp));
            return Store.TypeStamp("Patient");
        });

        Assert.Equal(before, during); // a reader that saw this stamp may keep what it found: the version was not yet visible
        var written = Store.TypeStamp("Patient");
        Assert.NotEqual(before, written);
        Assert.Equal(written, Store.TypeStamp("Patient")); // nothing committed since
        await Write("s1");
        Assert.NotEqual(written, Store.TypeStamp("Patient"));
    }

    [Fact]
    public async System.Threading.Tasks.Task Every_version_is_kept_and_the_current_one_is_read()
    {
        await Write("p1");
        await Write("p1");
        var current = await Store.ReadAsync("Patient", "p1");
        Assert.Equal(2, current!.Version);
        Assert.Equal(1, (await Store.ReadVersionAsync("Patient", "p1", 1))!.Version);
        Assert.Null(await Store.ReadVersionAsync("Patient", "p1", 3));
        Assert.Equal(2, (await Store.HistoryAsync(new HistoryQuery("Patient", "p1", null, null, 10, null))).Total);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_failing_transaction_leaves_nothing_and_others_in_the_same_group_commit_survive()
    {
        var failing = Store.WriteAsync<int>(tx =>
        {
            tx.Write(Patient("half", 1, tx.Timestamp));
            throw new InvalidOperationException("boom");
        });
        var fine = Write("whole");
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await fine;
        Assert.Null(await Store.ReadAsync("Patient", "half"));
        Assert.Empty((await Store.SearchAsync(new SearchQuery("Patient", [new SearchCriterion(
            new SearchParameterInfo("_id", "Resource", SearchParamType.Token, null, null, []), null, [new TokenValue(null, "half")])], 10))).Matches);
        Assert.NotNull(await Store.ReadAsync("Patient", "whole"));
    }

    /// <summary>
    /// A job that holds the writer until <paramref name="gate"/> is set, so the jobs queued meanwhile make one group. It
    /// returns once the job runs: queued before the writer took it, some of them would join its group instead (CI saw it).
    /// </summary>
    private Task<bool> HoldTheWriter(ManualResetEventSlim gate)
    {
        using var started = new ManualResetEventSlim();
        var holding = Store.WriteAsync(_ =>
        {
            started.Set();
            return gate.Wait(TimeSpan.FromSeconds(10));
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        return holding;
    }

    [Fact]
    public async System.Threading.Tasks.Task A_job_that_fails_in_a_group_fails_alone_and_the_others_commit_once_though_run_again()
    {
        using var gate = new ManualResetEventSlim();
        var holding = HoldTheWriter(gate);
        var (stateStamp, typeStamp) = (Store.StateStamp("test.count", "before"), Store.TypeStamp("Basic"));
        var runs = new int[2];
        Task<int> Counting(int job, string key, string type) => Store.WriteAsync(tx =>
        {
            Interlocked.Increment(ref runs[job]);
            var count = int.Parse(tx.ReadState("test.count", key)?.Value ?? "0") + 1;
            tx.SaveState(new StateEntry("test.count", key, count.ToString()));
            tx.Write(new ResourceWrite(type, key, 1, tx.Timestamp, "POST", Encoding.UTF8.GetBytes($$"""{"resourceType":"{{type}}","id":"{{key}}"}"""), []));
            return count;
        });
        var before = Counting(0, "before", "Basic");
        var failing = Store.WriteAsync<int>(tx =>
        {
            tx.Write(Patient("half-done", 1, tx.Timestamp));
            throw new InvalidOperationException("refused");
        });
        var after = Counting(1, "after", "Observation");
        gate.Set();

        Assert.True(await holding);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        // Each counted once in the store and answered with what its committed run saw…
        Assert.Equal(1, await before);
        Assert.Equal(1, await after);
        Assert.Equal("1", (await Store.ScanStateAsync(new StateRange("test.count", "before", "before~"))).Single().Value);
        Assert.Equal("1", (await Store.ScanStateAsync(new StateRange("test.count", "after", "after~"))).Single().Value);
        Assert.Null(await Store.ReadAsync("Patient", "half-done"));
        // …though the one before the failure ran twice: the group ran together, was rolled back and ran again job by job.
        Assert.Equal([2, 1], runs);
        // What the job before the failure changed moved its stamps: undoing the failed job did not take them back.
        Assert.NotEqual(stateStamp, Store.StateStamp("test.count", "before"));
        Assert.NotEqual(typeStamp, Store.TypeStamp("Basic"));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_job_refused_before_it_changed_anything_fails_alone_and_the_others_run_once()
    {
        using var gate = new ManualResetEventSlim();
        var holding = HoldTheWriter(gate);
        var runs = new int[3];
        Task<int> Counting(int job, string key) => Store.WriteAsync(tx =>
        {
            Interlocked.Increment(ref runs[job]);
            tx.SaveState(new StateEntry("test.count", key, "1"));
            tx.Write(Patient(key, 1, tx.Timestamp));
            return 1;
        });
        var before = Counting(0, "before");
        // Reads, then refuses: the group has nothing of it to take back.
        var refused = Store.WriteAsync<int>(tx =>
        {
            Interlocked.Increment(ref runs[1]);
            _ = tx.ReadCurrent("Patient", "before");
            _ = tx.ScanState(new StateRange("test.count", "", "~"));
            throw new InvalidOperationException("taken");
        });
        var after = Counting(2, "after");
        gate.Set();

        Assert.True(await holding);
        Assert.Equal("taken", (await Assert.ThrowsAsync<InvalidOperationException>(() => refused)).Message);
        Assert.Equal(1, await before);
        Assert.Equal(1, await after);
        Assert.NotNull(await Store.ReadAsync("Patient", "before"));
        Assert.NotNull(await Store.ReadAsync("Patient", "after"));
        // No job ran twice: without the refusal the group was never rolled back.
        Assert.Equal([1, 1, 1], runs);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_job_refused_before_it_changed_anything_is_not_run_again_when_a_later_one_rolls_the_group_back()
    {
        using var gate = new ManualResetEventSlim();
        var holding = HoldTheWriter(gate);
        var refusedRuns = 0;
        var refused = Store.WriteAsync<int>(_ =>
        {
            Interlocked.Increment(ref refusedRuns);
            throw new InvalidOperationException("taken");
        });
        var halfDone = Store.WriteAsync<int>(tx =>
        {
            tx.Write(Patient("half-done", 1, tx.Timestamp));
            throw new InvalidOperationException("broken");
        });
        var fine = Write("fine");
        gate.Set();

        Assert.True(await holding);
        Assert.Equal("taken", (await Assert.ThrowsAsync<InvalidOperationException>(() => refused)).Message);
        Assert.Equal("broken", (await Assert.ThrowsAsync<InvalidOperationException>(() => halfDone)).Message);
        await fine;
        Assert.Equal(1, refusedRuns);
        Assert.Null(await Store.ReadAsync("Patient", "half-done"));
        Assert.NotNull(await Store.ReadAsync("Patient", "fine"));
    }

    [Fact]
    public async System.Threading.Tasks.Task Index_entries_follow_the_current_version_only()
    {
        await Write("p2", identifier: "old");
        Assert.Single((await Store.SearchAsync(ByIdentifier("old"))).Matches);
        await Write("p2", identifier: "new");
        Assert.Empty((await Store.SearchAsync(ByIdentifier("old"))).Matches);
        Assert.Single((await Store.SearchAsync(ByIdentifier("new"))).Matches);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_deleted_resource_reads_as_deleted_and_leaves_search()
    {
        await Write("gone", identifier: "gone");
        await Store.WriteAsync(tx =>
        {
            tx.Write(new ResourceWrite("Patient", "gone", 2, tx.Timestamp, "DELETE", ReadOnlyMemory<byte>.Empty, []));
            return 0;
        });
        var record = await Store.ReadAsync("Patient", "gone");
        Assert.True(record!.Deleted);
        Assert.Empty((await Store.SearchAsync(ByIdentifier("gone"))).Matches);
    }

    [Fact]
    public async System.Threading.Tasks.Task Matches_inside_a_transaction_see_its_own_writes()
    {
        var seen = await Store.WriteAsync(tx =>
        {
            tx.Write(Patient("inside", 1, tx.Timestamp, "inside"));
            return tx.Match(ByIdentifier("inside"), 5).Count;
        });
        Assert.Equal(1, seen);
    }

    [Fact]
    public async System.Threading.Tasks.Task History_pages_newest_first_with_a_cursor_that_survives_a_restart()
    {
        for (var i = 0; i < 5; i++) await Write("paged");
        var first = await Store.HistoryAsync(new HistoryQuery("Patient", "paged", null, null, 2, null));
        Assert.Equal([5L, 4L], first.Entries.Select(e => e.Version));

        await Reopen();
        var second = await Store.HistoryAsync(new HistoryQuery("Patient", "paged", null, null, 2, first.Next));
        Assert.Equal([3L, 2L], second.Entries.Select(e => e.Version));
    }

    [Fact]
    public async System.Threading.Tasks.Task Acknowledged_writes_are_there_after_reopening()
    {
        var writes = await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 200).Select(i => Write($"d{i}")));
        await Reopen();
        foreach (var w in writes) Assert.NotNull(await Store.ReadAsync("Patient", w.Id));
    }
}
