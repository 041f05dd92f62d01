using FhirPractice.Billing.Claims;
using FhirPractice.Billing.CodeSets;
using FhirPractice.Billing.Edi;
using FhirPractice.Billing.Exchange;
using FhirPractice.Billing.Ledger;
using FhirPractice.Billing.Posting;
using FhirPractice.Billing.Operations;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Billing;

public static class BillingServices
{
    /// <summary>
    /// Registers billing: code sets, claim building, scrubbing and submission, remittance import and posting, their
    /// operations (as <see cref="FhirOperation"/> services for the engine's <see cref="OperationRegistry"/>), the write
    /// hooks keeping claim fingerprints and the A/R ledger, and the worker taking in the drop folder's inbound files.
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
        // Remittance: 835/999/277CA import and posting, the A/R ledger and work queues (a write hook), aging and balances.
        services.AddSingleton<LedgerProjection>();
        services.AddSingleton<IWriteHook, LedgerWriteHook>();
        services.AddSingleton<LedgerQueries>();
        services.AddSingleton<RemittancePosting>();
        services.AddSingleton<AcknowledgmentPosting>();
        services.AddSingleton<RemittanceImport>();
        services.AddSingleton<RemittanceOperations>();
        foreach (var name in new[] { "import-remittance", "aging", "balance", "billing-work-queue" })
            services.AddSingleton(sp => sp.GetRequiredService<RemittanceOperations>().Definitions.Single(o => o.Name == name));
        services.AddHostedService<InboundDropFolder>();
        return services;
    }
}
