using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest.Patch;

/// <summary>
/// One operation of a FHIRPath Patch (http://hl7.org/fhir/R4/fhirpatch.html), read from its
/// "operation" parameter and checked for the parts its type needs. Knows its position so that
/// every error names the operation and its path.
/// </summary>
public sealed class FhirPathPatchOperation
{
    private static readonly Dictionary<string, string[]> RequiredParts = new()
    {
        ["add"] = ["name", "value"],
        ["insert"] = ["index", "value"],
        ["delete"] = [],
        ["replace"] = ["value"],
        ["move"] = ["source", "destination"],
    };

    private static readonly HashSet<string> KnownParts =
        ["type", "path", "name", "value", "index", "source", "destination"];

    public int Position { get; }
    public string Type { get; }
    public string Path { get; }
    public string? Name { get; }
    /// <summary>The "value" part itself: its value[x], resource or nested parts make the value.</summary>
    public Parameters.ParameterComponent? Value { get; }
    public int? Index { get; }
    public int? Source { get; }
    public int? Destination { get; }

    public string Location => $"Parameters.parameter[{Position}]";

    private FhirPathPatchOperation(int position, Parameters.ParameterComponent parameter)
    {
        Position = position;
        var parts = new Dictionary<string, Parameters.ParameterComponent>();
        foreach (var part in parameter.Part)
        {
            if (part.Name is null || !KnownParts.Contains(part.Name))
                throw Malformed($"unknown part '{part.Name}'");
            if (!parts.TryAdd(part.Name, part))
                throw Malformed($"part '{part.Name}' appears more than once");
        }

        Type = Text(parts, "type") ?? throw Malformed("the part 'type' is missing");
        if (!RequiredParts.TryGetValue(Type, out var required))
            throw Malformed($"unknown operation type '{Type}'");
        Path = Text(parts, "path") ?? throw Malformed("the part 'path' is missing");
        foreach (var name in required.Where(n => !parts.ContainsKey(n)))
            throw Malformed($"'{Type}' needs the part '{name}'");

        Name = Text(parts, "name");
        Index = Number(parts, "index");
        Source = Number(parts, "source");
        Destination = Number(parts, "destination");
        if (parts.TryGetValue("value", out var value))
        {
            if (value.Value is null && value.Resource is null && value.Part.Count == 0)
                throw Malformed("the part 'value' has no value, resource or parts");
            Value = value;
        }
    }

    /// <summary>Reads every operation before any is applied, so a malformed patch changes nothing.</summary>
    public static IReadOnlyList<FhirPathPatchOperation> ReadAll(Parameters patch)
    {
        var operations = new List<FhirPathPatchOperation>();
        for (var i = 0; i < patch.Parameter.Count; i++)
        {
            var parameter = patch.Parameter[i];
            if (parameter.Name != "operation")
                throw FhirError.BadRequest(
                    $"FHIRPath Patch parameter {i} is named '{parameter.Name}'; only 'operation' is allowed",
                    $"Parameters.parameter[{i}]");
            operations.Add(new FhirPathPatchOperation(i, parameter));
        }
        return operations;
    }

    public FhirError Malformed(string why) =>
        FhirError.BadRequest($"{Describe()}: {why}", Location);

    public FhirError Unprocessable(string why) =>
        FhirError.Unprocessable($"{Describe()}: {why}", Location);

    // Type and Path may still be unset while the constructor reports a malformed operation.
    private string Describe() =>
        Type is null ? $"FHIRPath Patch operation {Position}"
        : Path is null ? $"FHIRPath Patch operation {Position} ({Type})"
        : $"FHIRPath Patch operation {Position} ({Type} at '{Path}')";

    private string? Text(Dictionary<string, Parameters.ParameterComponent> parts, string name)
    {
        if (!parts.TryGetValue(name, out var part)) return null;
        return part.Value is PrimitiveType { JsonValue: string text } && text.Length > 0
            ? text
            : throw Malformed($"the part '{name}' must have a non-empty string or code value");
    }

    private int? Number(Dictionary<string, Parameters.ParameterComponent> parts, string name)
    {
        if (!parts.TryGetValue(name, out var part)) return null;
        return part.Value is Integer { Value: { } number }
            ? number
            : throw Malformed($"the part '{name}' must have an integer value");
    }
}
