using FhirPractice.Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Storage.Sqlite;

public static class SqliteStoreServices
{
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, SqliteStoreOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp => new SqliteResourceStore(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IResourceStore>(sp => sp.GetRequiredService<SqliteResourceStore>());
        return services;
    }
}
