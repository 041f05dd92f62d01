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
    /// Registers billing: code sets, claim building, scrubbing and submission, their operations (as
    /// <see cref="FhirOperation"/> services for the engine's <see cref="OperationRegistry"/>) and the write hook keeping claim fingerprints.
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
        // Operations are FhirOperation singletons, which the engine's OperationRegistry takes in when it is built.
        foreach (var name in new[] { "build-claim", "scrub", "submit" })
            services.AddSingleton(sp => sp.GetRequiredService<ClaimOperations>().Definitions.Single(o => o.Name == name));
        return services;
    }
}
