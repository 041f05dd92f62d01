using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace FhirPractice.Billing.CodeSets;

/// <summary>What the catalog says about a code on a date of service.</summary>
public enum CodeStatus
{
    /// <summary>In the release of the date's fiscal year, in effect that day, billable.</summary>
    Billable,
    /// <summary>An ICD-10-CM category header: in the release, not billable.</summary>
    Header,
    /// <summary>In the release, but not in effect on that day (an HCPCS code added later or terminated before).</summary>
    NotInEffect,
    /// <summary>Not in the release of that fiscal year.</summary>
    NotInRelease,
    /// <summary>No release of the code system is loaded for that fiscal year.</summary>
    NoRelease,
    /// <summary>CPT without a licensed release loaded: accepted because it has the format of a CPT code.</summary>
    AcceptedByFormat,
}

/// <summary>
/// The billing code systems' releases by fiscal year, held in memory for scrubbing and the terminology operations.
/// It is a projection of the stored CodeSystems (<see cref="CodeSystemWriteHook"/> keeps it in step with every
/// write, whatever the door), so the catalog and the server's CodeSystem resources never disagree.
/// </summary>
public sealed class CodeSetCatalog
{
    private readonly ConcurrentDictionary<(string System, int Year), Loaded> _releases = new();

    public sealed record Loaded(CodeSetRelease Release, string ResourceId, FrozenDictionary<string, CodeSetEntry> Codes);

    public void Load(CodeSetRelease release, string resourceId) =>
        _releases[(release.System, release.FiscalYear)] = new Loaded(release, resourceId,
            release.Entries.ToFrozenDictionary(e => Key(release.System, e.Code), StringComparer.Ordinal));

    /// <summary>Forgets the release stored as this CodeSystem (deleted, or no longer one of billing's).</summary>
    public void Forget(string resourceId)
    {
        foreach (var (key, loaded) in _releases)
            if (loaded.ResourceId == resourceId) _releases.TryRemove(key, out _);
    }

    public bool Holds(string resourceId) => _releases.Values.Any(l => l.ResourceId == resourceId);

    public Loaded? Release(string system, int fiscalYear) => _releases.GetValueOrDefault((system, fiscalYear));

    public IEnumerable<int> FiscalYears(string system) => _releases.Keys.Where(k => k.System == system).Select(k => k.Year).Order();

    public CodeSetEntry? Find(string system, string code, int fiscalYear) =>
        Release(system, fiscalYear)?.Codes.GetValueOrDefault(Key(system, code));

    public CodeStatus Check(string system, string code, DateOnly dateOfService)
    {
        var year = FiscalYear.Of(dateOfService);
        if (Release(system, year) is not { } release)
            return system == BillingSystems.Cpt && CptFile.IsCode(code) ? CodeStatus.AcceptedByFormat : CodeStatus.NoRelease;
        return release.Codes.GetValueOrDefault(Key(system, code)) switch
        {
            null => CodeStatus.NotInRelease,
            { Billable: false } => CodeStatus.Header,
            var entry when !entry.InEffectOn(dateOfService) => CodeStatus.NotInEffect,
            _ => CodeStatus.Billable,
        };
    }

    /// <summary>ICD-10-CM is looked up with or without its dot; every code set ignores case.</summary>
    private static string Key(string system, string code) =>
        (system == BillingSystems.Icd10Cm ? code.Replace(".", "") : code).ToUpperInvariant();
}
