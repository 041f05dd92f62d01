using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Capability;

/// <summary>
/// Builds /metadata: the descriptive template from <c>conformance/</c>, plus what is actually
/// registered — the resource types the model knows, the interactions the engine routes, the search
/// parameters of the registry (custom ones included) with the modifiers the parser accepts, the includes
/// and revincludes their reference parameters allow, and the operations in the registry. The statement is
/// built once per generation of the search parameter registry.
/// </summary>
public sealed class CapabilityStatementBuilder(SearchParameterRegistry searchParameters, OperationRegistry operations, Compartments compartments,
    TimeProvider clock, CapabilityOptions options, IEnumerable<ICapabilityContributor> contributors)
{
    private static readonly CapabilityStatement.TypeRestfulInteraction[] TypeInteractions =
    [
        CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Vread,
        CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.Patch,
        CapabilityStatement.TypeRestfulInteraction.Delete, CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        CapabilityStatement.TypeRestfulInteraction.HistoryType, CapabilityStatement.TypeRestfulInteraction.Create,
        CapabilityStatement.TypeRestfulInteraction.SearchType,
    ];

    private static readonly CapabilityStatement.SystemRestfulInteraction[] SystemInteractions =
    [
        CapabilityStatement.SystemRestfulInteraction.Transaction, CapabilityStatement.SystemRestfulInteraction.Batch,
        CapabilityStatement.SystemRestfulInteraction.SearchSystem, CapabilityStatement.SystemRestfulInteraction.HistorySystem,
    ];

    /// <summary>Every search modifier of FHIR R4; a parameter's documentation lists those the parser accepts for its type.</summary>
    private static readonly string[] Modifiers = ["missing", "exact", "contains", "text", "not", "above", "below", "in", "not-in", "of-type", "identifier"];

    private volatile Built? _built;

    private sealed record Built(long Generation, CapabilityStatement Statement);

    public CapabilityStatement Build(string baseUrl)
    {
        var built = _built;
        if (built is null || built.Generation != searchParameters.Generation)
        {
            var generation = searchParameters.Generation; // before building: a change meanwhile builds again next time
            _built = built = new Built(generation, Build());
        }
        var statement = (CapabilityStatement)built.Statement.DeepCopy();
        statement.Date = clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssK");
        statement.Implementation = new CapabilityStatement.ImplementationComponent { Description = statement.Title ?? "FhirPractice", Url = baseUrl };
        foreach (var contributor in contributors) contributor.Contribute(statement, baseUrl);
        return statement;
    }

    private CapabilityStatement Build()
    {
        var statement = File.Exists(options.TemplatePath)
            ? (CapabilityStatement)ResourceSerializer.ParseJson(File.ReadAllBytes(options.TemplatePath))
            : new CapabilityStatement { Status = PublicationStatus.Active, Kind = CapabilityStatementKind.Instance, FhirVersion = FHIRVersion.N4_0_1 };
        statement.Software ??= new CapabilityStatement.SoftwareComponent { Name = "FhirPractice" };
        statement.Software.Version = typeof(CapabilityStatementBuilder).Assembly.GetName().Version?.ToString();
        if (statement.Rest.Count == 0) statement.Rest.Add(new CapabilityStatement.RestComponent { Mode = CapabilityStatement.RestfulCapabilityMode.Server });
        var rest = statement.Rest[0];
        rest.Interaction = SystemInteractions.Select(i => new CapabilityStatement.SystemInteractionComponent { Code = i }).ToList();
        rest.Resource = ModelInfo.SupportedResources.Order().Select(Resource).ToList();
        rest.Compartment = compartments.All.Select(c => c.Url).Order(StringComparer.Ordinal).ToList();
        rest.Operation = operations.All.Where(o => o.System)
            .Select(o => new CapabilityStatement.OperationComponent { Name = o.Name, Definition = o.Definition }).ToList();
        return statement;
    }

    private CapabilityStatement.ResourceComponent Resource(string type) => new()
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
            .Where(p => p.Type is not SearchParamType.Special)
            .OrderBy(p => p.Code)
            .Select(p => new CapabilityStatement.SearchParamComponent { Name = p.Code, Definition = p.Url, Type = p.Type, Documentation = ModifiersOf(p) })
            .ToList(),
        SearchInclude = ReferenceParameters(type).Select(p => $"{type}:{p.Code}").Append("*").ToList(),
        SearchRevInclude = ModelInfo.SupportedResources
            .SelectMany(ReferenceParameters)
            .Where(p => p.Targets.Count == 0 || p.Targets.Contains(type))
            .Select(p => $"{p.Resource}:{p.Code}")
            .Order(StringComparer.Ordinal)
            .ToList(),
        Operation = operations.All.Where(o => (o.Type || o.Instance) && (o.Types.Count == 0 || o.Types.Contains(type)))
            .Select(o => new CapabilityStatement.OperationComponent { Name = o.Name, Definition = o.Definition })
            .ToList(),
    };

    private IEnumerable<SearchParameterInfo> ReferenceParameters(string type) =>
        searchParameters.For(type).Where(p => p.Type == SearchParamType.Reference).OrderBy(p => p.Code, StringComparer.Ordinal);

    private static Markdown ModifiersOf(SearchParameterInfo p)
    {
        var modifiers = Modifiers.Where(m => m == "missing" || SearchQueryParser.SupportsModifier(p, m)).Select(m => ":" + m).ToList();
        if (p.Type == SearchParamType.Reference) modifiers.Add(":[type]");
        return new Markdown($"Modifiers: {string.Join(" ", modifiers)}");
    }
}

/// <summary>A module's part of /metadata (how to authorize, say), added to every statement served, for the base URL it is served at.</summary>
public interface ICapabilityContributor
{
    void Contribute(CapabilityStatement statement, string baseUrl);
}

public sealed class CapabilityOptions
{
    /// <summary>The descriptive part of the CapabilityStatement (name, publisher, security notes…).</summary>
    public string TemplatePath { get; set; } = Path.Combine(AppContext.BaseDirectory, "conformance", "CapabilityStatement-fhirpractice.json");
}
