using System.Net;
using System.Text.Json;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Background;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>
/// A scheduling server on a shared database whose module the test changes: <see cref="Before"/> has no occupancy hook and
/// no backfill (a server before the module), <see cref="Stepping"/> leaves the backfill to the test, one version a batch.
/// </summary>
public sealed class BackfillServerFactory : SchedulingServerFactory
{
    private readonly bool _withHook;

    private BackfillServerFactory(string databasePath, FakeTimeProvider clock, bool withHook) : base(databasePath, ownsDatabase: false, clock) => _withHook = withHook;

    public static BackfillServerFactory Before(string databasePath, FakeTimeProvider clock) => new(databasePath, clock, withHook: false);
    public static BackfillServerFactory Stepping(string databasePath, FakeTimeProvider clock) => new(databasePath, clock, withHook: true);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [.. base.Settings(), new("FhirPractice:Scheduling:BackfillBatchSize", "1")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.Remove(services.Single(d => d.ImplementationType == typeof(OccupancyBackfillHost)));
            if (!_withHook) services.Remove(services.Single(d => d.ImplementationType == typeof(OccupancyWriteHook)));
        });
    }
}

/// <summary>Appointments stored before the module claim their time once the backfill has filed them, resumably and once.</summary>
public sealed class BackfillTests
{
    // Tuesday 10 June 2025, New York hours 09:00–17:00 are 13:00–21:00 UTC.
    private const string Nine = "2025-06-10T13:00:00Z", NineFifteen = "2025-06-10T13:15:00Z", NineThirty = "2025-06-10T13:30:00Z",
        NineFortyFive = "2025-06-10T13:45:00Z", Ten = "2025-06-10T14:00:00Z", TenThirty = "2025-06-10T14:30:00Z";

    [Fact]
    public async Task Stored_appointments_are_filed_resuming_after_a_restart_and_a_finished_backfill_changes_nothing()
    {
        using var database = new TemporaryDatabase();
        var clock = new FakeTimeProvider(SchedulingServerFactory.Start);
        string practitioner, doctor, patient;
        using (var before = BackfillServerFactory.Before(database.Path, clock))
        {
            var client = before.Client;
            practitioner = await client.PractitionerAsync();
            doctor = await client.ScheduleAsync(practitioner);
            patient = await client.PatientAsync();
            // Without the module nothing stops a double booking: 09:15 overlaps 09:00.
            foreach (var (start, end) in new[] { (Nine, NineThirty), (NineFifteen, NineFortyFive), (Ten, TenThirty) })
                await client.CreateAsync(Stored(start, end, practitioner, patient));
            await client.CreateAsync(Stored(TenThirty, "2025-06-10T15:00:00Z", practitioner, patient, "cancelled"));
            Assert.Empty(await before.Services.GetRequiredService<FhirEngine>().Store.ScanStateAsync(new StateRange(OccupancyKeys.Busy, "", "~")));
        }

        using (var stepping = BackfillServerFactory.Stepping(database.Path, clock))
        {
            var backfill = stepping.Services.GetRequiredService<OccupancyBackfill>();
            Assert.Equal(new BackfillProgress(1, null, 1, 0, 0), await backfill.StepAsync(default)); // the Schedule
            Assert.Equal(new BackfillProgress(2, null, 1, 0, 0), await backfill.StepAsync(default)); // no Slots
            var midway = await backfill.StepAsync(default); // the first Appointment
            Assert.Equal((2, 2L), (midway.TypeIndex, midway.Filed));
            Assert.NotNull(midway.After);
            Assert.Equal(JobStatus.Running, (await Job(stepping)).Status);
        }

        using var after = SchedulingServerFactory.On(database.Path, clock);
        var job = await FinishedJob(after);
        Assert.Equal(JobStatus.Completed, job.Status);
        // Resumed after the first Appointment: the other three, one of them overbooking the first, none filed twice.
        Assert.Equal(new BackfillProgress(3, null, 5, 1, 0), JsonSerializer.Deserialize<BackfillProgress>(job.Progress));

        await FhirHttp.AssertOutcomeAsync(await after.Client.BookAsync(Nine, NineThirty, await after.Client.PatientAsync(), doctor), HttpStatusCode.Conflict);
        await FhirHttp.AssertOutcomeAsync(await after.Client.BookAsync(Ten, TenThirty, await after.Client.PatientAsync(), doctor), HttpStatusCode.Conflict);
        var times = await after.Client.FindAsync($"schedule={doctor}&start=2025-06-10&end=2025-06-11");
        Assert.DoesNotContain(times, t => t.Start < DateTimeOffset.Parse(TenThirty));
        Assert.Equal(DateTimeOffset.Parse(TenThirty), times[0].Start); // the cancelled visit claims nothing

        // A finished backfill is not run again: same progress, same state.
        var store = after.Services.GetRequiredService<FhirEngine>().Store;
        var state = await store.ScanStateAsync(new StateRange(OccupancyKeys.Owned, "", "~"));
        Assert.Equal(new BackfillProgress(3, null, 5, 1, 0), await after.Services.GetRequiredService<OccupancyBackfill>().RunAsync(default));
        Assert.Equal(state, await store.ScanStateAsync(new StateRange(OccupancyKeys.Owned, "", "~")));
        Assert.Equal(job.Updated, (await Job(after)).Updated);
    }

    [Fact]
    public async Task A_stored_version_a_write_would_refuse_is_left_unfiled_and_a_past_visit_is_not_left_to_the_no_show_sweep()
    {
        using var database = new TemporaryDatabase();
        var clock = new FakeTimeProvider(SchedulingServerFactory.Start);
        string doctor, ahead;
        using (var before = BackfillServerFactory.Before(database.Path, clock))
        {
            var client = before.Client;
            var practitioner = await client.PractitionerAsync();
            doctor = await client.ScheduleAsync(practitioner);
            // A Slot that ends before it starts: the hook refuses it with a 422 when written.
            await client.CreateAsync($$"""{"resourceType":"Slot","schedule":{"reference":"{{doctor}}"},"status":"busy","start":"{{NineThirty}}","end":"{{Nine}}"}""");
            ahead = await client.CreateAsync(Stored(Ten, TenThirty, practitioner, await client.PatientAsync()));
            // Booked this morning, before the backfill: never checked in through the module, so no no-show either.
            await client.CreateAsync(Stored("2025-06-02T10:00:00Z", "2025-06-02T10:30:00Z", practitioner, await client.PatientAsync()));
        }

        using var after = SchedulingServerFactory.On(database.Path, clock);
        var job = await FinishedJob(after);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(new BackfillProgress(3, null, 3, 0, 1), JsonSerializer.Deserialize<BackfillProgress>(job.Progress));
        var booked = await after.Services.GetRequiredService<FhirEngine>().Store.ScanStateAsync(new StateRange(OccupancyKeys.Booked, "", "~"));
        Assert.Equal(ahead.Split('/')[1], Assert.Single(booked).Key.Split('|')[1]);
        await FhirHttp.AssertOutcomeAsync(await after.Client.BookAsync(Ten, TenThirty, await after.Client.PatientAsync(), doctor), HttpStatusCode.Conflict);
        await after.Client.BookedAsync(Nine, NineThirty, await after.Client.PatientAsync(), doctor);
    }

    private static async Task<JobRecord> Job(FhirServerFactory server) =>
        (await server.Services.GetRequiredService<FhirEngine>().Store.ReadJobAsync(OccupancyBackfill.JobId))!;

    /// <summary>The job once the background run has ended: it may not even have been created yet when the server answers.</summary>
    private static async Task<JobRecord> FinishedJob(FhirServerFactory server)
    {
        var store = server.Services.GetRequiredService<FhirEngine>().Store;
        for (var i = 0; i < 200; i++)
        {
            if (await store.ReadJobAsync(OccupancyBackfill.JobId) is { Status: not JobStatus.Running } job) return job;
            await Task.Delay(50);
        }
        throw new TimeoutException("The occupancy backfill did not end within 10 s");
    }

    private static string Stored(string start, string end, string practitioner, string patient, string status = "booked") => $$"""
        {"resourceType":"Appointment","status":"{{status}}","start":"{{start}}","end":"{{end}}","participant":[
          {"actor":{"reference":"{{practitioner}}"},"status":"accepted"},{"actor":{"reference":"{{patient}}"},"status":"accepted"}]}
        """;
}
