using FhirPractice.Fhir.Storage;

namespace FhirPractice.Storage.Sqlite.Tests;

public sealed class SqliteModuleStateTests : TempStoreTests
{
    private static StateEntry Entry(string key, string value) => new("test.balance", key, value);

    [Fact]
    public async System.Threading.Tasks.Task Entries_are_scanned_in_key_order_within_the_range_and_kind()
    {
        await Store.WriteAsync(tx =>
        {
            foreach (var key in new[] { "b|2", "a|1", "b|1", "c|1" }) tx.SaveState(Entry(key, key.ToUpperInvariant()));
            tx.SaveState(new StateEntry("other.kind", "b|0", "x"));
            return 0;
        });

        var b = await Store.ScanStateAsync(new StateRange("test.balance", "b|", "b}"));
        Assert.Equal(["b|1", "b|2"], b.Select(e => e.Key));
        Assert.Equal("B|1", b[0].Value);
        Assert.Single(await Store.ScanStateAsync(new StateRange("test.balance", "a", "z", Limit: 1)));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_writer_scans_each_range_and_limit_as_bound_however_often_its_statement_is_reused()
    {
        var scans = await Store.WriteAsync(tx =>
        {
            foreach (var key in new[] { "a|1", "a|2", "a|3", "b|1" }) tx.SaveState(Entry(key, key));
            return new[]
            {
                tx.ScanState(new StateRange("test.balance", "a|", "a}", Limit: 1)),
                tx.ScanState(new StateRange("test.balance", "a|", "a}", Limit: 10)),
                tx.ScanState(new StateRange("test.balance", "a|2", "b}", Limit: 2)),
                tx.ScanState(new StateRange("test.balance", "c|", "c}")),
            }.Select(page => string.Join(",", page.Select(e => e.Key))).ToArray();
        });

        Assert.Equal(["a|1", "a|1,a|2,a|3", "a|2,a|3", ""], scans);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_partitions_stamp_moves_once_a_change_to_it_is_committed_not_before()
    {
        var before = Store.StateStamp("test.balance", "a");
        Assert.NotNull(before);

        var during = await Store.WriteAsync(tx =>
        {
            tx.SaveState(Entry("a|1", "1"));
            return Store.StateStamp("test.balance", "a");
        });

        Assert.Equal(before, during); // a reader that saw this stamp may keep what it reads: the change was not yet visible
        var saved = Store.StateStamp("test.balance", "a");
        Assert.NotEqual(before, saved);
        Assert.Equal(saved, Store.StateStamp("test.balance", "a")); // nothing committed since
        await Store.WriteAsync(tx => { tx.DeleteState("test.balance", "a|1"); return 0; });
        Assert.NotEqual(saved, Store.StateStamp("test.balance", "a"));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_transaction_sees_its_own_changes_and_a_rollback_keeps_none()
    {
        await Store.WriteAsync(tx => { tx.SaveState(Entry("item", "5")); return 0; });

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync<int>(tx =>
        {
            tx.SaveState(Entry("item", "4"));
            Assert.Equal("4", tx.ReadState("test.balance", "item")!.Value);
            tx.DeleteState("test.balance", "item");
            Assert.Null(tx.ReadState("test.balance", "item"));
            Assert.Empty(tx.ScanState(new StateRange("test.balance", "", "~")));
            throw new InvalidOperationException("the write fails");
        }));

        Assert.Equal("5", (await Store.ScanStateAsync(new StateRange("test.balance", "", "~"))).Single().Value);
    }

    [Fact]
    public async System.Threading.Tasks.Task State_survives_a_restart()
    {
        await Store.WriteAsync(tx => { tx.SaveState(Entry("item", "7")); return 0; });
        await Reopen();
        Assert.Equal("7", await Store.WriteAsync(tx => tx.ReadState("test.balance", "item")!.Value));
    }
}
