using FhirPractice.Scheduling.Background;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>A hold's expiry is stored with it: a server started after a restart still frees it.</summary>
public sealed class HoldRestartTests
{
    [Fact]
    public async Task A_hold_taken_before_a_restart_expires_after_it()
    {
        using var database = new TemporaryDatabase();
        var clock = new FakeTimeProvider(SchedulingServerFactory.Start);
        string doctor, held;
        using (var before = SchedulingServerFactory.On(database.Path, clock))
        {
            doctor = await before.Client.ScheduleAsync(await before.Client.PractitionerAsync());
            var response = await before.Client.PostAsync("Appointment/$hold",
                WithAppointment(Proposal("2025-06-10T13:00:00Z", "2025-06-10T13:30:00Z", await before.Client.PatientAsync(), doctor)));
            held = Id(await response.JsonAsync());
        }
        clock.Advance(TimeSpan.FromMinutes(30));
        using var after = SchedulingServerFactory.On(database.Path, clock);

        // The sweeper's first round at start may be the one that frees it; a sweep now finds it or nothing.
        await after.Services.GetRequiredService<SchedulingSweeper>().FreeExpiredHoldsAsync();
        for (var i = 0; i < 50 && (string?)(await (await after.Client.GetAsync($"Appointment/{held}")).JsonAsync())["status"] != "cancelled"; i++)
            await Task.Delay(100);

        Assert.Equal("cancelled", (string?)(await (await after.Client.GetAsync($"Appointment/{held}")).JsonAsync())["status"]);
        await after.Client.BookedAsync("2025-06-10T13:00:00Z", "2025-06-10T13:30:00Z", await after.Client.PatientAsync(), doctor);
        Assert.Equal(0, await after.Services.GetRequiredService<SchedulingSweeper>().FreeExpiredHoldsAsync());
    }
}
