using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

/// <summary>A search parameter as the engine uses it: its code, type, FHIRPath expression and reference targets.</summary>
public sealed record SearchParameterInfo(
    string Code,
    string Resource,
    SearchParamType Type,
    string? Expression,
    string? Url,
    IReadOnlyList<string> Targets)
{
    /// <summary>The parts of a composite parameter, in order; empty for the other types.</summary>
    public IReadOnlyList<CompositeComponent> Components { get; init; } = [];

    /// <summary>For a custom parameter, what defined it ("SearchParameter/{id}" or a conformance file); null for a built-in one.</summary>
    public string? DefinedBy { get; init; }
}

/// <summary>
/// One part of a composite parameter: typed like the parameter its definition names, with values from
/// <see cref="Expression"/> evaluated on each element the composite's own expression selects.
/// </summary>
public sealed record CompositeComponent(SearchParamType Type, string Expression);
