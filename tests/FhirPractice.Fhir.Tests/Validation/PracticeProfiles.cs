using FhirPractice.Fhir.Validation;

namespace FhirPractice.Fhir.Tests.Validation;

/// <summary>The repository's profiles/ folder and the canonicals the tests use.</summary>
internal static class PracticeProfiles
{
    public const string PracticePatient = "http://fhirpractice.org/fhir/StructureDefinition/practice-patient";
    public const string Unknown = "http://example.org/fhir/StructureDefinition/nobody-has-this";

    // Tests run from bin/…; the folder sits at the repository root, next to the solution.
    public static string Folder { get; } = FindFolder();

    public static ProfileValidationOptions Options(IReadOnlyDictionary<string, string[]>? required = null) =>
        new() { ProfilesFolder = Folder, RequiredProfiles = required ?? new Dictionary<string, string[]>() };

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "profiles");
            if (File.Exists(Path.Combine(dir.FullName, "FhirPractice.sln")) && Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("profiles/ not found above " + AppContext.BaseDirectory);
    }
}
