using System.Net;
using System.Text;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Scheduling.Reminders;
using FhirPractice.Storage.Sqlite.Tests;
using NodaTime;

namespace FhirPractice.Scheduling.Tests;

/// <summary>
/// A taken time is refused before its version is written, with nothing of it in the transaction, so the store fails
/// that write alone; the filing after the write claims the time.
/// </summary>
public sealed class OccupancyWriteHookTests : TempStoreTests
{
    private const string Practitioner = "Practitioner/a";
    private readonly OccupancyWriteHook _hook = new(new AvailabilityCalculator(DateTimeZoneProviders.Tzdb["America/New_York"]),
        new ReminderFiling(new SchedulingOptions(), TimeProvider.System));

    /// <summary>A booked visit of the practitioner, 2025-06-10 from 13:00 UTC plus <paramref name="fromMinutes"/>, for 30 minutes.</summary>
    private static ResourceWrite Booked(string id, int fromMinutes)
    {
        var start = new DateTimeOffset(2025, 6, 10, 13, 0, 0, TimeSpan.Zero).AddMinutes(fromMinutes);
        return new ResourceWrite("Appointment", id, 1, DateTimeOffset.UtcNow, "POST", Encoding.UTF8.GetBytes($$"""
            {"resourceType":"Appointment","id":"{{id}}","status":"booked","start":"{{start:O}}","end":"{{start.AddMinutes(30):O}}",
             "participant":[{"actor":{"reference":"{{Practitioner}}"},"status":"accepted"}]}
            """), []);
    }

    /// <summary>Shows the version to the hook as the engine does: before, the write, after.</summary>
    private Task<int> Write(ResourceWrite write) => Store.WriteAsync(tx =>
    {
        _hook.Writing(tx, write);
        tx.Write(write);
        _hook.Written(tx, write);
        return 0;
    });

    private async Task<IReadOnlyList<string>> Owners() =>
        OccupancyKeys.Distinct(await Store.ScanStateAsync(new StateRange(OccupancyKeys.Busy, "", "~"))).Select(i => i.Owner).Order().ToList();

    [Fact]
    public async Task A_taken_time_is_refused_before_its_version_changes_anything_and_a_free_one_is_claimed_after_its_write()
    {
        await Write(Booked("first", 0));

        var changedNothing = await Store.WriteAsync(tx =>
        {
            var before = tx.ScanState(new StateRange(OccupancyKeys.Busy, "", "~")).Count;
            var refused = Assert.Throws<FhirError>(() => _hook.Writing(tx, Booked("overlapping", 15)));
            Assert.Equal(HttpStatusCode.Conflict, refused.Status);
            return before == tx.ScanState(new StateRange(OccupancyKeys.Busy, "", "~")).Count && tx.ReadCurrent("Appointment", "overlapping") is null;
        });
        Assert.True(changedNothing);

        // Refused through the store, it fails alone: nothing of it is stored, the first booking stands.
        var conflict = await Assert.ThrowsAsync<FhirError>(() => Write(Booked("overlapping", 15)));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Null(await Store.ReadAsync("Appointment", "overlapping"));

        // A free time, and the same booking written again (its own time does not stand in its way), are claimed.
        await Write(Booked("later", 30));
        await Write(Booked("later", 30) with { Version = 2, Method = "PUT" });
        Assert.Equal(["Appointment/first", "Appointment/later"], await Owners());
    }
}
