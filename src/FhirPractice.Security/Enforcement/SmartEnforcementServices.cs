using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Capability;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Security.Enforcement;

public static class SmartEnforcementServices
{
    /// <summary>SMART scope and compartment enforcement in the engine (replacing its unrestricted default) and the CapabilityStatement's security.</summary>
    public static IServiceCollection AddSmartEnforcement(this IServiceCollection services, SmartEnforcementOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<IAccessPolicy, SmartAccessPolicy>();
        services.AddSingleton<ICapabilityContributor, SmartCapability>();
        return services;
    }
}
