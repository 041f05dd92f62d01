using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FhirPractice.LoadHarness;

/// <summary>A transaction Bundle ready to POST, and how many resources it carries.</summary>
public sealed record ClonedBundle(string Name, byte[] Body, int Resources);

/// <summary>
/// Turns the Synthea corpus into as many distinct transaction Bundles as needed. Each clone maps every
/// UUID in the text to a fresh one, consistently within the clone: fullUrl "urn:uuid:…", the references
/// to it, resource.id, identifiers, and any id inside request.url or request.ifNoneExist all move
/// together, so references still resolve and no clone collides with another or with an earlier run.
/// </summary>
public static partial class SyntheaBundleCloner
{
    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Uuid();

    public static string BundleFolder(string corpus)
    {
        var folder = Path.Combine(corpus, "synthea-r4", "bundles");
        return Directory.Exists(folder) ? folder
            : throw new DirectoryNotFoundException($"no Synthea bundles at {folder} (set FHIRPRACTICE_CORPUS to the data folder)");
    }

    [GeneratedRegex("(\"family\"\\s*:\\s*\")([^\"]*)\"")]
    private static partial Regex Family();

    /// <summary>
    /// Whole passes over the corpus, each with fresh ids, until at least <paramref name="minResources"/>. With
    /// <paramref name="distinctNames"/> every pass also gets its own family names (a letter suffix per pass), so a
    /// name search finds one clone's patient as it would in a real population, not one per pass.
    /// </summary>
    public static IReadOnlyList<ClonedBundle> CloneUntil(string bundleFolder, int minResources, bool distinctNames = false)
    {
        var sources = Directory.EnumerateFiles(bundleFolder, "*.json").Order(StringComparer.Ordinal)
            .Select(path => (Name: Path.GetFileNameWithoutExtension(path), Text: File.ReadAllText(path)))
            .Select(s => (s.Name, s.Text, Resources: CountEntries(s.Text)))
            .ToArray();
        var perPass = sources.Sum(s => s.Resources);
        if (perPass == 0) throw new InvalidOperationException($"no bundle entries in {bundleFolder}");
        var passes = (minResources + perPass - 1) / perPass;

        var clones = new ClonedBundle[passes * sources.Length];
        Parallel.For(0, clones.Length, i =>
        {
            var source = sources[i % sources.Length];
            var text = WithFreshIds(source.Text);
            if (distinctNames) text = Family().Replace(text, m => m.Groups[1].Value + m.Groups[2].Value + PassSuffix(i / sources.Length) + "\"");
            clones[i] = new ClonedBundle(source.Name, Encoding.UTF8.GetBytes(text), source.Resources);
        });
        // Interleave passes (pass 0 of every bundle, then pass 1, …) as the array already is: the big
        // bundles spread over the run instead of arriving together.
        return clones;
    }

    /// <summary>Pass 0 → "a", 25 → "z", 26 → "ba": letters, so the names still look like names.</summary>
    private static string PassSuffix(int pass)
    {
        var suffix = "";
        do { suffix = (char)('a' + pass % 26) + suffix; pass /= 26; } while (pass > 0);
        return suffix;
    }

    public static string WithFreshIds(string bundleJson)
    {
        var fresh = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return Uuid().Replace(bundleJson, match =>
        {
            if (!fresh.TryGetValue(match.Value, out var replacement))
                fresh[match.Value] = replacement = Guid.NewGuid().ToString();
            return replacement;
        });
    }

    private static int CountEntries(string bundleJson)
    {
        using var document = JsonDocument.Parse(bundleJson);
        return document.RootElement.TryGetProperty("entry", out var entries) ? entries.GetArrayLength() : 0;
    }
}
