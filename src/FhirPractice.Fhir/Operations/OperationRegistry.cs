using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Rest;

namespace FhirPractice.Fhir.Operations;

public delegate Task<FhirResponse> OperationHandler(FhirEngine engine, FhirRequest request, string? type, string? id, CancellationToken ct);

/// <param name="Name">The name without the '$'.</param>
/// <param name="Types">The resource types it applies to at type/instance level; empty for all.</param>
/// <param name="Definition">The canonical URL of its OperationDefinition.</param>
public sealed record FhirOperation(
    string Name,
    string Definition,
    bool System,
    bool Type,
    bool Instance,
    IReadOnlyList<string> Types,
    OperationHandler Handler)
{
    /// <summary>What invoking it amounts to, for authorization; a write unless the operation says otherwise.</summary>
    public OperationAccess Access { get; init; } = OperationAccess.Write;
}

/// <summary>
/// What an operation needs of the caller: any one of <see cref="AnyOf"/> on the type it is invoked on (on each of its
/// <see cref="FhirOperation.Types"/> at system level, on every resource when it names none); at instance level the
/// caller must also reach the instance through the first of them.
/// </summary>
public sealed record OperationAccess(IReadOnlyList<FhirInteraction> AnyOf)
{
    /// <summary>Workflow operations change data: update on their type.</summary>
    public static readonly OperationAccess Write = new([FhirInteraction.Update]);
    public static readonly OperationAccess Read = new([FhirInteraction.Read]);
}

/// <summary>
/// The FHIR operations the server offers. Workflow modules register theirs explicitly at start-up;
/// the CapabilityStatement lists exactly what is registered here.
/// </summary>
public sealed class OperationRegistry
{
    private readonly Dictionary<string, List<FhirOperation>> _byName = new(StringComparer.Ordinal);

    public OperationRegistry Register(FhirOperation operation)
    {
        if (!_byName.TryGetValue(operation.Name, out var list)) _byName[operation.Name] = list = [];
        list.Add(operation);
        return this;
    }

    public OperationRegistry RegisterAll(IEnumerable<FhirOperation> operations)
    {
        foreach (var operation in operations) Register(operation);
        return this;
    }

    public IEnumerable<FhirOperation> All => _byName.Values.SelectMany(l => l);

    /// <summary>The operation for this name at this level and type; a 404 OperationOutcome when there is none.</summary>
    public FhirOperation Offered(string name, string? type, string? id)
    {
        var level = id is not null ? "instance" : type is not null ? "type" : "system";
        var operation = _byName.GetValueOrDefault(name)?.FirstOrDefault(o =>
            (id is not null ? o.Instance : type is not null ? o.Type : o.System) &&
            (type is null || o.Types.Count == 0 || o.Types.Contains(type)));
        return operation ?? throw new FhirError(System.Net.HttpStatusCode.NotFound, Hl7.Fhir.Model.OperationOutcome.IssueType.NotSupported,
            $"The operation ${name} is not supported at {level} level{(type is null ? "" : " on " + type)}");
    }
}
