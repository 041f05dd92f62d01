using System.Text;
using FhirPractice.Hl7v2.Store;
using FhirPractice.Storage.Sqlite.Hl7v2;

namespace FhirPractice.Storage.Sqlite.Tests;

/// <summary>
/// The v2 message store's single writer commits every waiting write together (its statements prepared once):
/// each write must still get its own outcome, and duplicate control must hold among writes in one commit.
/// </summary>
public sealed class SqliteMessageStoreTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirpractice-v2store-" + Guid.NewGuid().ToString("N"));
    private SqliteMessageStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqliteMessageStore(Path.Combine(_folder, "fhir.hl7v2.db"), "FULL", TimeProvider.System);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static NewMessage Message(string controlId, string facility = "LAB") =>
        new(Encoding.ASCII.GetBytes($"MSH|^~\\&|APP|{facility}|||20240501||ADT^A08|{controlId}|P|2.5.1\r"), DateTimeOffset.UnixEpoch, MessageStatus.Received)
        {
            DuplicateKey = new DuplicateKey("APP", facility, controlId),
            MessageType = "ADT^A08",
            ControlId = controlId,
            Patient = new PatientIdentifier(controlId, "BENCH"),
        };

    [Fact]
    public async Task Concurrent_admissions_of_one_key_store_one_message_and_every_other_is_that_message_as_a_duplicate()
    {
        // 40 keys, each admitted 5 times at once: many of them land in the same group commit.
        var admissions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => _store.AdmitAsync(Message($"C{i % 40}")))));

        foreach (var key in admissions.GroupBy(a => a.Message.ControlId))
        {
            var winner = Assert.Single(key, a => !a.IsDuplicate);
            Assert.All(key, a => Assert.Equal(winner.Message.Id, a.Message.Id));
        }
        Assert.Equal(40, admissions.Select(a => a.Message.Id).Distinct().Count());
        Assert.Equal(40, (await _store.SearchAsync(new MessageQuery(1000))).Messages.Count);
    }

    [Fact]
    public async Task The_same_control_id_from_another_facility_is_another_message()
    {
        var first = await _store.AdmitAsync(Message("C1", "LAB"));
        var other = await _store.AdmitAsync(Message("C1", "CLINIC"));

        Assert.False(other.IsDuplicate);
        Assert.NotEqual(first.Message.Id, other.Message.Id);
    }

    [Fact]
    public async Task Concurrent_completions_each_record_their_own_status_ack_and_error()
    {
        var ids = (await Task.WhenAll(Enumerable.Range(0, 100).Select(i => _store.AdmitAsync(Message($"M{i}"))))).Select(a => a.Message.Id).ToList();

        await Task.WhenAll(ids.Select((id, i) => Task.Run(() => i % 3 == 0
            ? _store.CompleteAsync(id, MessageStatus.Failed, Encoding.ASCII.GetBytes($"AE {id}"), $"error {id}")
            : _store.CompleteAsync(id, MessageStatus.Mapped, Encoding.ASCII.GetBytes($"AA {id}"), null))));

        for (var i = 0; i < ids.Count; i++)
        {
            var stored = await _store.GetAsync(ids[i]);
            Assert.NotNull(stored);
            Assert.Equal(i % 3 == 0 ? MessageStatus.Failed : MessageStatus.Mapped, stored.Status);
            Assert.Equal($"{(i % 3 == 0 ? "AE" : "AA")} {ids[i]}", Encoding.ASCII.GetString(stored.Ack!));
            Assert.Equal(i % 3 == 0 ? $"error {ids[i]}" : null, stored.Error);
        }
    }

    [Fact]
    public async Task A_completion_without_an_ack_keeps_the_stored_one()
    {
        var id = (await _store.AdmitAsync(Message("R1"))).Message.Id;
        await _store.CompleteAsync(id, MessageStatus.Failed, Encoding.ASCII.GetBytes("AE"), "first");

        await _store.CompleteAsync(id, MessageStatus.Mapped, null, null);

        var stored = await _store.GetAsync(id);
        Assert.Equal(MessageStatus.Mapped, stored!.Status);
        Assert.Equal("AE", Encoding.ASCII.GetString(stored.Ack!));
        Assert.Null(stored.Error);
    }
}
