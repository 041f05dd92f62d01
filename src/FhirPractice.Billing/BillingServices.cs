using FhirPractice.Billing.Claims;
using FhirPractice.Billing.CodeSets;
using FhirPractice.Billing.Edi;
using FhirPractice.Billing.Operations;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Billing;

public static class BillingServices
{
    /// <summary>
    /// Registers billing: code sets, claim building, scrubbing and submission, their operations on the engine's
    /// <see cref="OperationRegistry"/> and the write hook keeping claim fingerprints.
    /// </summary>
    public static IServiceCollection AddBilling(this IServiceCollection services, BillingOptions options, string? codeSetsFolder = null)
    {
        services.AddSingleton(options);
        services.AddSingleton(Icd10CmCatalog.Create(codeSetsFolder));
        services.AddSingleton<ClaimScrubber>();
        services.AddSingleton<Professional837Writer>();
        services.AddSingleton<ClaimBuilder>();
        services.AddSingleton<ClaimSubmission>();
        services.AddSingleton<ClaimOperations>();
        services.AddSingleton<IWriteHook, ClaimWriteHook>();
        // The registry is built by AddFhirEngine; billing's operations are added to it as it is built.
        var engineRegistry = services.Last(d => d.ServiceType == typeof(OperationRegistry));
        services.Add(ServiceDescriptor.Singleton(sp =>
        {
            var registry = (OperationRegistry)engineRegistry.ImplementationFactory!(sp);
            foreach (var operation in sp.GetRequiredService<ClaimOperations>().Definitions) registry.Register(operation);
            return registry;
        }));
        return services;
    }
}
