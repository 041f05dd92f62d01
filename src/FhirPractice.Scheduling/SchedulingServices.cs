using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Background;
using FhirPractice.Scheduling.Occupancy;
using FhirPractice.Scheduling.Operations;
using FhirPractice.Scheduling.Reminders;
using FhirPractice.Scheduling.Waitlist;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace FhirPractice.Scheduling;

public static class SchedulingServices
{
    /// <summary>
    /// Registers scheduling: the occupancy write hook (no double booking at any door), the operations
    /// $find/$hold/$book/$confirm/$cancel/$reschedule/$check-in/$no-show/$reply, and the background sweeper (expired
    /// holds, no-shows, waitlist offers, reminders) and the backfill of what was stored before the module (<see cref="OccupancyBackfill"/>). Reminders go to the <see cref="IReminderSender"/> registered
    /// before this call, else to <see cref="FileReminderSender"/>.
    /// </summary>
    /// <param name="practiceTimeZone">The IANA zone weekly hours are in; null for the machine's.</param>
    public static IServiceCollection AddScheduling(this IServiceCollection services, SchedulingOptions options, string? practiceTimeZone)
    {
        var zone = practiceTimeZone is { Length: > 0 } id
            ? DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? throw new ArgumentException($"Unknown IANA time zone '{id}' (FhirPractice:Practice:TimeZone)")
            : DateTimeZoneProviders.Tzdb.GetSystemDefault();
        options.ReminderOffsetList(); // a bad offset stops the start, not the first booking
        if (options.BackfillBatchSize < 1) throw new ArgumentException("FhirPractice:Scheduling:BackfillBatchSize must be at least 1");
        services.AddSingleton(options);
        services.AddSingleton(new AvailabilityCalculator(zone));
        services.AddSingleton<ReminderFiling>();
        services.AddSingleton<IWriteHook, OccupancyWriteHook>();
        services.AddSingleton<IWriteHook, ReminderWriteHook>();
        services.TryAddSingleton<IReminderSender, FileReminderSender>();
        services.AddSingleton<ScheduleRules>();
        services.AddSingleton<OccupancyReader>();
        services.AddSingleton<EarliestVisits>();
        services.AddSingleton<FindOperation>();
        services.AddSingleton<BookOperation>();
        services.AddSingleton<CancelOperation>();
        services.AddSingleton<ConfirmOperation>();
        services.AddSingleton<RescheduleOperation>();
        services.AddSingleton<CheckInOperation>();
        services.AddSingleton<NoShowOperation>();
        services.AddSingleton<ReplyOperation>();
        services.AddSingleton(sp => sp.GetRequiredService<FindOperation>().Definition);
        services.AddSingleton(sp => sp.GetRequiredService<BookOperation>().Hold);
        services.AddSingleton(sp => sp.GetRequiredService<BookOperation>().Book);
        services.AddSingleton(sp => sp.GetRequiredService<CancelOperation>().Definition);
        services.AddSingleton(sp => sp.GetRequiredService<ConfirmOperation>().Definition);
        services.AddSingleton(sp => sp.GetRequiredService<RescheduleOperation>().Definition);
        services.AddSingleton(sp => sp.GetRequiredService<CheckInOperation>().Definition);
        services.AddSingleton(sp => sp.GetRequiredService<NoShowOperation>().Definition);
        services.AddSingleton(sp => sp.GetRequiredService<ReplyOperation>().Definition);
        services.AddSingleton<WaitlistOffers>();
        services.AddSingleton<ReminderWorker>();
        services.AddSingleton<SchedulingSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<SchedulingSweeper>());
        services.AddSingleton<OccupancyBackfill>();
        services.AddHostedService<OccupancyBackfillHost>();
        return services;
    }
}
