using System.Collections.Frozen;

namespace FhirPractice.Billing.CodeSets;

/// <summary>What the catalog says about a code on a date of service.</summary>
public enum Icd10CmStatus { Billable, Header, NotInRelease, NoRelease }

/// <summary>
/// ICD-10-CM releases by fiscal year: the seed written by the team (embedded, a small subset for tests and demos)
/// and any CMS order files in the configured folder, which replace the seed's release of the same year.
/// </summary>
public sealed class Icd10CmCatalog
{
    private readonly Dictionary<int, FrozenDictionary<string, Icd10CmEntry>> _releases = [];

    public IReadOnlyCollection<int> FiscalYears => _releases.Keys;

    public void Load(int fiscalYear, IEnumerable<Icd10CmEntry> entries) =>
        _releases[fiscalYear] = entries.ToFrozenDictionary(e => e.Code, StringComparer.Ordinal);

    public static Icd10CmCatalog Create(string? folder)
    {
        var catalog = new Icd10CmCatalog();
        var assembly = typeof(Icd10CmCatalog).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains("icd10cm_order_")))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            catalog.Load(Icd10CmOrderFile.FiscalYearOf(name[(name.IndexOf("icd10cm_order_", StringComparison.Ordinal))..])!.Value, Icd10CmOrderFile.Read(reader).ToList());
        }
        if (folder is not null && Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder, "icd10cm_order_*.txt"))
                if (Icd10CmOrderFile.FiscalYearOf(file) is { } year)
                {
                    using var reader = File.OpenText(file);
                    catalog.Load(year, Icd10CmOrderFile.Read(reader).ToList());
                }
        return catalog;
    }

    public Icd10CmEntry? Find(string code, int fiscalYear) =>
        _releases.TryGetValue(fiscalYear, out var release) && release.TryGetValue(code.Replace(".", ""), out var entry) ? entry : null;

    public Icd10CmStatus Check(string code, DateTime dateOfService)
    {
        var year = FiscalYear.Of(dateOfService);
        if (!_releases.ContainsKey(year)) return Icd10CmStatus.NoRelease;
        return Find(code, year) switch
        {
            null => Icd10CmStatus.NotInRelease,
            { Billable: true } => Icd10CmStatus.Billable,
            _ => Icd10CmStatus.Header,
        };
    }
}
