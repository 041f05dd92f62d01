namespace FhirPractice.Fhir.Tests;

/// <summary>
/// Finds the shared, read-only test data (outside material such as HL7's test cases): the folder
/// named by FHIRPRACTICE_CORPUS, else the nearest <c>shared/data</c> above the test binaries
/// (which is <c>../shared/data</c> beside the repository root). Null when neither exists, in which
/// case the tests that need it report themselves skipped.
/// </summary>
public static class Corpus
{
    public static string? Root { get; } = Locate();

    /// <summary>The full path of a folder or file inside the corpus, or null when it is absent.</summary>
    public static string? Find(string relativePath)
    {
        if (Root is null) return null;
        var path = Path.Combine(Root, relativePath);
        return Directory.Exists(path) || File.Exists(path) ? path : null;
    }

    public static string SkipReason(string relativePath) =>
        $"Test corpus '{relativePath}' not found: set FHIRPRACTICE_CORPUS to the shared data folder " +
        "or place it at ../shared/data beside the repository root.";

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("FHIRPRACTICE_CORPUS");
        if (!string.IsNullOrEmpty(fromEnvironment))
            return Directory.Exists(fromEnvironment) ? Path.GetFullPath(fromEnvironment) : null;

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that is skipped, saying why, when the corpus folder or file it needs is absent.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute(string relativePath)
    {
        if (Corpus.Find(relativePath) is null) Skip = Corpus.SkipReason(relativePath);
    }
}

/// <summary>A theory that is skipped, saying why, when the corpus folder or file it needs is absent.</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute(string relativePath)
    {
        if (Corpus.Find(relativePath) is null) Skip = Corpus.SkipReason(relativePath);
    }
}
