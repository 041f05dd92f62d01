using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>
/// A server in the practice zone America/New_York on a fake clock (<see cref="Clock"/>, starting 2025-06-02 12:00 UTC),
/// with 10-minute holds whose sweeper only runs when a test calls it. Give a path to reopen the same database.
/// </summary>
public class SchedulingServerFactory : FhirServerFactory
{
    public static readonly DateTimeOffset Start = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);
    public FakeTimeProvider Clock { get; }

    public SchedulingServerFactory() : this(NewDatabasePath(), ownsDatabase: true, new FakeTimeProvider(Start)) { }

    /// <summary>A server on a database that outlives it (the test deletes it), to restart on.</summary>
    public static SchedulingServerFactory On(string databasePath, FakeTimeProvider clock) => new(databasePath, ownsDatabase: false, clock);

    protected SchedulingServerFactory(string databasePath, bool ownsDatabase, FakeTimeProvider clock) : base(databasePath, ownsDatabase) => Clock = clock;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("FhirPractice:Practice:TimeZone", "America/New_York"),
        new("FhirPractice:Scheduling:HoldDuration", "00:10:00"),
        new("FhirPractice:Scheduling:SweepInterval", "1.00:00:00"),
        new("FhirPractice:Scheduling:LateCancelWindow", "1.00:00:00"),
        new("FhirPractice:Scheduling:NoShowGrace", "00:30:00"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
