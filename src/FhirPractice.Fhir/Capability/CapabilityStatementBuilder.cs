using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Capability;

/// <summary>
/// Builds /metadata from what is actually registered: the resource types the model knows, the
/// interactions the engine routes, the search parameters the indexer computes and the operations
/// in the registry.
/// </summary>
public sealed class CapabilityStatementBuilder(SearchParameterRegistry searchParameters, OperationRegistry operations, TimeProvider clock)
{
    private static readonly CapabilityStatement.TypeRestfulInteraction[] TypeInteractions =
    [
        CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Vread,
        CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Patch,
        CapabilityStatement.TypeRestfulInteraction.Delete, CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        CapabilityStatement.TypeRestfulInteraction.HistoryType, CapabilityStatement.TypeRestfulInteraction.Create,
        CapabilityStatement.TypeRestfulInteraction.SearchType,
    ];

    private readonly Lazy<CapabilityStatement> _template = new(() => Build(searchParameters, operations));

    public CapabilityStatement Build(string baseUrl)
    {
        var statement = (CapabilityStatement)_template.Value.DeepCopy();
        statement.Date = clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssK");
        statement.Implementation = new CapabilityStatement.ImplementationComponent { Description = "FhirPractice", Url = baseUrl };
        return statement;
    }

    private static CapabilityStatement Build(SearchParameterRegistry searchParameters, OperationRegistry operations)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Interaction =
            [
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Transaction },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.Batch },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.SearchSystem },
                new() { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem },
            ],
        };
        foreach (var type in ModelInfo.SupportedResources.Order())
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Profile = $"http://hl7.org/fhir/StructureDefinition/{type}",
                Interaction = TypeInteractions.Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i }).ToList(),
                Versioning = CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
                ReadHistory = true,
                UpdateCreate = true,
                ConditionalCreate = true,
                ConditionalRead = CapabilityStatement.ConditionalReadStatus.FullSupport,
                ConditionalUpdate = true,
                ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.Single,
                SearchParam = searchParameters.For(type)
                    .Where(p => p.Type is not (SearchParamType.Composite or SearchParamType.Special))
                    .OrderBy(p => p.Code)
                    .Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Code, Definition = p.Url, Type = p.Type })
                    .ToList(),
            };
            foreach (var op in operations.All.Where(o => (o.Type || o.Instance) && (o.Types.Count == 0 || o.Types.Contains(type))))
                resource.Operation.Add(new CapabilityStatement.OperationComponent { Name = op.Name, Definition = op.Definition });
            rest.Resource.Add(resource);
        }
        foreach (var op in operations.All.Where(o => o.System))
            rest.Operation.Add(new CapabilityStatement.OperationComponent { Name = op.Name, Definition = op.Definition });

        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Kind = CapabilityStatementKind.Instance,
            FhirVersion = FHIRVersion.N4_0_1,
            Software = new CapabilityStatement.SoftwareComponent { Name = "FhirPractice", Version = typeof(CapabilityStatementBuilder).Assembly.GetName().Version?.ToString() },
            Format = ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            PatchFormat = ["application/json-patch+json", "application/fhir+json", "application/fhir+xml"],
            Rest = [rest],
        };
    }
}
