using FhirPractice.Fhir.Capability;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FhirPractice.Fhir;

public static class FhirEngineServices
{
    /// <summary>
    /// Registers the engine and its parts. A store (e.g. AddSqliteStore) and an <see cref="IWriteValidator"/>
    /// must be registered too; operations are registered explicitly: the engine's here, a module's as a <see cref="FhirOperation"/> service.
    /// </summary>
    public static IServiceCollection AddFhirEngine(this IServiceCollection services, FhirEngineOptions options)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<SearchParameterRegistry>();
        services.AddSingleton<SearchIndexer>();
        services.AddSingleton<CustomSearchParameters>();
        services.TryAddSingleton(new ReindexOptions());
        services.AddSingleton<ReindexJobs>();
        services.AddSingleton<ReindexOperation>();
        services.AddSingleton(new PageCursor(options.PageCursorSecret));
        services.AddSingleton(sp => new SearchQueryParser(sp.GetRequiredService<SearchParameterRegistry>(), options.DefaultPageSize, options.MaxPageSize,
            sp.GetRequiredService<PageCursor>()));
        services.AddSingleton<LocalTerminology>();
        // The compartments are read from the same specification archive the profile validator uses.
        services.AddSingleton(sp => new Compartments(sp.GetRequiredService<SearchParameterRegistry>(),
            (sp.GetService<ProfileValidationOptions>() ?? new ProfileValidationOptions()).SpecificationZip));
        services.AddSingleton<ResourcePreparer>();
        services.AddSingleton<ValidateOperation>();
        services.AddSingleton<EverythingOperation>();
        // Modules add theirs as FhirOperation services (AddAuditTrail's $verify-chain).
        services.AddSingleton(sp => sp.GetServices<FhirOperation>().Aggregate(new OperationRegistry()
            .Register(sp.GetRequiredService<ValidateOperation>().Definition)
            .Register(sp.GetRequiredService<EverythingOperation>().Definition)
            .Register(sp.GetRequiredService<ReindexOperation>().Definition), (registry, operation) => registry.Register(operation)));
        services.TryAddSingleton(new CapabilityOptions());
        services.AddSingleton<CapabilityStatementBuilder>();
        services.AddSingleton<FhirEngine>();
        return services;
    }
}
