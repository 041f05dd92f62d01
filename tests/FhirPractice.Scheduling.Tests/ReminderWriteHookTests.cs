using System.Net;
using System.Text;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Reminders;
using FhirPractice.Storage.Sqlite.Tests;

namespace FhirPractice.Scheduling.Tests;

/// <summary>
/// A reminder Communication is refused (409) before its version is written when its reminder was sent already or is
/// not due, so the store fails that write alone; the first one takes the due entry and marks the reminder sent.
/// </summary>
public sealed class ReminderWriteHookTests : TempStoreTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 10, 13, 0, 0, TimeSpan.Zero);
    private static readonly string Reminder = ReminderKeys.SentKey("visit", 1440, Start);
    private readonly ReminderWriteHook _hook = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Store.WriteAsync(tx =>
        {
            tx.SaveState(new StateEntry(ReminderKeys.Due, ReminderKeys.DueKeyOf(Reminder)!, "due"));
            return 0;
        });
    }

    private static ResourceWrite Sent(string id, string reminder, long version = 1) =>
        new("Communication", id, version, Start, version == 1 ? "POST" : "PUT", Encoding.UTF8.GetBytes($$"""
            {"resourceType":"Communication","id":"{{id}}","status":"completed",
             "identifier":[{"system":"{{ReminderKeys.IdentifierSystem}}","value":"{{reminder}}"}]}
            """), []);

    /// <summary>Shows the version to the hook as the engine does: before, the write, after.</summary>
    private Task<int> Write(ResourceWrite write) => Store.WriteAsync(tx =>
    {
        _hook.Writing(tx, write);
        tx.Write(write);
        _hook.Written(tx, write);
        return 0;
    });

    private async Task<IReadOnlyList<StateEntry>> State(string kind) => await Store.ScanStateAsync(new StateRange(kind, "", "~"));

    [Fact]
    public async Task A_second_reminder_is_refused_before_its_version_changes_anything_and_the_first_is_kept_once()
    {
        await Write(Sent("first", Reminder));
        Assert.Empty(await State(ReminderKeys.Due));
        Assert.Equal("first", Assert.Single(await State(ReminderKeys.Sent)).Value);

        var refusedBeforeWriting = await Store.WriteAsync(tx =>
        {
            var refused = Assert.Throws<FhirError>(() => _hook.Writing(tx, Sent("second", Reminder)));
            Assert.Equal(HttpStatusCode.Conflict, refused.Status);
            Assert.Contains("already sent (Communication/first)", refused.Message);
            return tx.ReadCurrent("Communication", "second") is null;
        });
        Assert.True(refusedBeforeWriting);
        await Assert.ThrowsAsync<FhirError>(() => Write(Sent("second", Reminder)));
        Assert.Null(await Store.ReadAsync("Communication", "second"));

        // The reminder's own Communication, updated, passes and leaves the reminder sent by it.
        await Write(Sent("first", Reminder, version: 2));
        Assert.Equal("first", Assert.Single(await State(ReminderKeys.Sent)).Value);
    }

    [Fact]
    public async Task A_reminder_that_is_not_due_is_refused_before_its_version_is_written()
    {
        var moved = ReminderKeys.SentKey("visit", 1440, Start.AddDays(1));

        var refused = await Assert.ThrowsAsync<FhirError>(() => Write(Sent("stray", moved)));

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("is not due", refused.Message);
        Assert.Null(await Store.ReadAsync("Communication", "stray"));
        Assert.Empty(await State(ReminderKeys.Sent));
        Assert.Single(await State(ReminderKeys.Due));
    }
}
