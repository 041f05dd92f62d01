using FhirPractice.Fhir.Rest;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Hl7v2.Outbound;

public static class OutboundServices
{
    /// <summary>
    /// Registers outbound HL7 v2: the write hook that queues messages (only when a destination is configured), the
    /// builder, the staff view of the queue. The host runs one <see cref="DestinationSender"/> per destination.
    /// </summary>
    public static IServiceCollection AddHl7v2Outbound(this IServiceCollection services, OutboundOptions options)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<OutboundWakeUp>();
        services.AddSingleton<OutboundMessageBuilder>();
        services.AddSingleton<OutboundQueue>();
        if (options.Destinations.Count > 0) services.AddSingleton<IWriteHook, OutboundWriteHook>();
        return services;
    }
}
