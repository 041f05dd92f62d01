using FhirPractice.Hl7v2.Store;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Storage.Sqlite.Hl7v2;

public static class SqliteMessageStoreServices
{
    /// <summary>The v2 message store in a file beside the FHIR database (<see cref="SqliteMessageStore.PathBeside"/>), with its durability setting.</summary>
    public static IServiceCollection AddSqliteMessageStore(this IServiceCollection services, SqliteStoreOptions options)
    {
        services.AddSingleton(sp => new SqliteMessageStore(SqliteMessageStore.PathBeside(options.Path), options.Synchronous, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IMessageStore>(sp => sp.GetRequiredService<SqliteMessageStore>());
        return services;
    }
}
