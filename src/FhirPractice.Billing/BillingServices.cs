using FhirPractice.Billing.Charges;
using FhirPractice.Billing.Claims;
using FhirPractice.Billing.CodeSets;
using FhirPractice.Billing.Edi;
using FhirPractice.Billing.Exchange;
using FhirPractice.Billing.Ledger;
using FhirPractice.Billing.Posting;
using FhirPractice.Billing.Operations;
using FhirPractice.Billing.Terminology;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Billing;

public static class BillingServices
{
    /// <summary>
    /// Registers billing: code sets (stored as CodeSystems, imported at start, the catalog kept in step by a write hook),
    /// $lookup/$validate-code, charge capture (Encounter/$capture-charges; every ChargeItem completed with its Account and
    /// fee-schedule price by a write hook and worker), claim building, scrubbing and submission, remittance import and
    /// posting, their operations (as <see cref="FhirOperation"/> services for the engine's <see cref="OperationRegistry"/>),
    /// the write hooks keeping claim fingerprints and the A/R ledger, and the worker taking in the drop folder's inbound files.
    /// </summary>
    public static IServiceCollection AddBilling(this IServiceCollection services, BillingOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<CodeSetCatalog>();
        services.AddSingleton<IWriteHook, CodeSystemWriteHook>();
        services.AddSingleton<CodeSetImport>();
        services.AddHostedService(sp => sp.GetRequiredService<CodeSetImport>());
        services.AddSingleton<TerminologyOperations>();
        foreach (var definition in new[] { "/CodeSystem-lookup", "/CodeSystem-validate-code", "/ValueSet-validate-code" })
            services.AddSingleton(sp => sp.GetRequiredService<TerminologyOperations>().Definitions.Single(o => o.Definition.EndsWith(definition, StringComparison.Ordinal)));
        services.AddSingleton<ChargeCompletionSignal>();
        services.AddSingleton<IWriteHook, ChargeWriteHook>();
        services.AddSingleton<ChargeCompletionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ChargeCompletionWorker>());
        services.AddSingleton<ChargeOperations>();
        services.AddSingleton(sp => sp.GetRequiredService<ChargeOperations>().Definitions.Single());
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
