namespace FhirPractice.Server.Tests.Security;

/// <summary>A fact that needs Debian's chromium and the SMART app's npm packages (tests/smart-app); skipped, saying which is missing, without them.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>tests/smart-app above the test binaries, or null.</summary>
    public static string? SmartAppFolder { get; } = Locate();

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium)) Skip = $"{Chromium} not found: apt-get install chromium (.ci/run does)";
        else if (SmartAppFolder is null || !File.Exists(Path.Combine(SmartAppFolder, "node_modules", "fhirclient", "build", "fhir-client.js")))
            Skip = "tests/smart-app/node_modules not found: run npm ci in tests/smart-app (.ci/run does)";
    }

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "smart-app");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
