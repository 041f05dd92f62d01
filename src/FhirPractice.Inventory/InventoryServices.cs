using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Inventory.FollowUps;
using FhirPractice.Inventory.Ledger;
using FhirPractice.Inventory.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Inventory;

public static class InventoryServices
{
    /// <summary>The inventory module: the ledger's write hook, its operations, the follow-up worker and the expiry sweeper.</summary>
    /// <param name="practiceTimeZone">Where the practice is: expiry dates and "as of" dates are its days.</param>
    public static IServiceCollection AddInventory(this IServiceCollection services, InventoryOptions options, TimeZoneInfo practiceTimeZone)
    {
        services.AddSingleton(options);
        services.AddSingleton(new PracticeCalendar(practiceTimeZone));
        services.AddSingleton<FollowUpSignal>();
        services.AddSingleton<IWriteHook, InventoryWriteHook>();
        services.AddSingleton<StockQueries>();
        services.AddSingleton<InventoryOperations>();
        services.AddSingleton<InventoryReports>();
        foreach (var name in new[] { "consume", "transfer", "adjust" })
            services.AddSingleton(sp => sp.GetRequiredService<InventoryOperations>().Definitions.Single(o => o.Name == name));
        foreach (var name in new[] { "stock-level", "recall", "valuation", "turnover" })
            services.AddSingleton(sp => sp.GetRequiredService<InventoryReports>().Definitions.Single(o => o.Name == name));
        services.AddSingleton<FollowUpWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<FollowUpWorker>());
        services.AddSingleton<ExpirySweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<ExpirySweeper>());
        return services;
    }
}
