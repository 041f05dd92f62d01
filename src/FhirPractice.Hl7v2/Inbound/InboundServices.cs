using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Hl7v2.Inbound;

public static class InboundServices
{
    /// <summary>
    /// Registers the inbound pipeline. An <see cref="Mapping.IMessageMapper"/> and an <see cref="Store.IMessageStore"/>
    /// must be registered too (e.g. AddSqliteMessageStore).
    /// </summary>
    public static IServiceCollection AddHl7v2Inbound(this IServiceCollection services, InboundOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<InboundPipeline>();
        services.AddSingleton<MessagePatients>();
        return services;
    }
}
