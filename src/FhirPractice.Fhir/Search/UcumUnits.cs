using System.Collections.Concurrent;
using Fhir.Metrics;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// UCUM quantities in canonical (base) units, through Fhir.Metrics, so that 5.4 mg and 5400 ug index and search
/// as the same 0.0054 g. Fhir.Metrics converts by a factor only (it refuses offset units such as Cel and [degF]),
/// so each unit's factor is computed once and cached. Units with an annotation ({score}) are not converted.
/// </summary>
public static class UcumUnits
{
    public const string System = "http://unitsofmeasure.org";

    /// <summary>Units are client input: the cache stops growing here, later units are converted each time.</summary>
    private const int MaxCachedUnits = 10_000;

    private static readonly ConcurrentDictionary<string, (decimal Factor, string Unit)?> Factors = new(StringComparer.Ordinal);

    /// <summary>
    /// The factor to canonical units and the canonical unit ("1" for dimensionless ones) of a UCUM unit code;
    /// false for codes Fhir.Metrics does not know or cannot convert.
    /// </summary>
    public static bool TryCanonical(string unit, out decimal factor, out string canonicalUnit)
    {
        if (!Factors.TryGetValue(unit, out var known))
        {
            known = Convert(unit);
            if (Factors.Count < MaxCachedUnits) Factors.TryAdd(unit, known);
        }
        (factor, canonicalUnit) = known ?? (0m, "");
        return known is not null;
    }

    private static (decimal, string)? Convert(string unit)
    {
        // UCUM reads an annotation as 1, so {score}, {beats}/min and % would all compare as numbers of the same
        // dimension; a unit with one says what is counted, so it is compared as written only.
        if (unit.Contains('{')) return null;
        try
        {
            if (!FhirMetricService.Instance.Value.TryCanonicalize((1m, unit, System), out var canonical) || canonical is not var (factor, code, _))
                return null;
            return factor == 0 ? null : (factor, code.Length == 0 ? "1" : code);
        }
        catch (Exception) { return null; } // a unit Fhir.Metrics cannot parse is just not convertible
    }
}
