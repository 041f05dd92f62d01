using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Validation;

/// <summary>
/// Where the server's own conformance resources live and which profiles every write must meet.
/// Bound from configuration (section "Validation") by the server.
/// </summary>
public sealed record ProfileValidationOptions
{
    /// <summary>Folder whose top-level *.json StructureDefinitions, ValueSets and CodeSystems are
    /// resolved before the core R4 specification.</summary>
    public string ProfilesFolder { get; init; } = Path.Combine(AppContext.BaseDirectory, "profiles");

    /// <summary>The core R4 specification archive (shipped by Hl7.Fhir.Specification.Data.R4).</summary>
    public string SpecificationZip { get; init; } = Path.Combine(AppContext.BaseDirectory, "specification.zip");

    /// <summary>Resource type → profile canonicals every write of that type must conform to,
    /// e.g. <c>{"Patient": ["http://fhirpractice.org/fhir/StructureDefinition/practice-patient"]}</c>.
    /// Unlike profiles a client declares in meta.profile, these must resolve: an unresolvable one is an error.</summary>
    public IReadOnlyDictionary<string, string[]> RequiredProfiles { get; init; } = new Dictionary<string, string[]>();

    /// <summary>The configured profiles for the type of <paramref name="resource"/> (none if not configured).</summary>
    public IReadOnlyList<string> RequiredProfilesFor(Resource resource) =>
        RequiredProfiles.TryGetValue(resource.TypeName, out var urls) ? urls : [];
}
