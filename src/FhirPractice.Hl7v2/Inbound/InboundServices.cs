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
        // A factory, so a host without a mapper still builds (its MLLP stays off): the container's
        // validation at build time would otherwise refuse the missing IMessageMapper.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<InboundPipeline>(sp));
        return services;
    }
}
