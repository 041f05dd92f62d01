using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FhirPractice.Security.Audit;

public static class AuditServices
{
    /// <summary>
    /// The audit trail: an AuditEvent (IHE BALP) for every interaction and a Provenance for every write through the
    /// engine's interaction hook, <see cref="IAuditTrail"/> for the authorization server's security events, the hash
    /// chain with its verifier and <c>AuditEvent/$verify-chain</c>.
    /// </summary>
    public static IServiceCollection AddAuditTrail(this IServiceCollection services, AuditOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<AuditChain>();
        services.AddSingleton<BalpAuditEvents>();
        services.AddSingleton<WriteProvenance>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<IAuditTrail>(sp => sp.GetRequiredService<AuditTrail>());
        services.AddSingleton<IInteractionHook, AuditInteractionHook>();
        services.AddSingleton<ChainVerifier>();
        services.AddSingleton<VerifyChainOperation>();
        services.AddSingleton<FhirOperation>(sp => sp.GetRequiredService<VerifyChainOperation>().Definition);
        return services;
    }
}
