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
    /// <summary>For a custom parameter, what defined it ("SearchParameter/{id}" or a conformance file); null for a built-in one.</summary>
    public string? DefinedBy { get; init; }
}
