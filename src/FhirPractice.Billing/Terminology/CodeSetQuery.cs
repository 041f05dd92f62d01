using System.Globalization;
using System.Text.RegularExpressions;
using FhirPractice.Billing.CodeSets;
using FhirPractice.Fhir;

namespace FhirPractice.Billing.Terminology;

/// <summary>
/// Which release a terminology question is about: the code system (one of billing's, else 404), and the fiscal year
/// from <c>version</c>, from the date of service (<c>date</c>), or else the latest loaded; a version that is no fiscal
/// year, or one that disagrees with the date, is a 400.
/// </summary>
internal sealed partial record CodeSetQuery(string System, string Code, int? FiscalYear, DateOnly? Date)
{
    public string Name => CodeSystemResource.Names[System];

    public static CodeSetQuery Resolve(CodeSetCatalog catalog, string operation, string? system, string? code, string? version, DateOnly? date, string systemParameter)
    {
        if (system is null) throw FhirError.BadRequest($"${operation} needs '{systemParameter}' (or a coding with a system)", systemParameter);
        if (!CodeSystemResource.IsBillingSystem(system))
            throw FhirError.NotFound($"${operation}: the code system '{system}' is not held here (ICD-10-CM, HCPCS Level II and CPT are: {string.Join(", ", CodeSystemResource.Names.Keys)})");
        if (code is null) throw FhirError.BadRequest($"${operation} needs 'code' (or a coding)", "code");
        int? year = null;
        if (version is not null)
        {
            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                throw FhirError.BadRequest($"${operation}: 'version' is a fiscal year (2025), not '{version}'", "version");
            year = v;
        }
        if (date is { } day)
        {
            var fiscalYear = CodeSets.FiscalYear.Of(day);
            if (year is { } y && y != fiscalYear)
                throw FhirError.BadRequest($"${operation}: version {y} is not the release in effect on {day:yyyy-MM-dd} (FY{fiscalYear})", "version");
            year = fiscalYear;
        }
        year ??= catalog.FiscalYears(system).Select(y => (int?)y).LastOrDefault();
        return new CodeSetQuery(system, code, year, date);
    }

    /// <summary>Whether the code has the shape of a code of its system (J01.90 or J0190; G0008; 99213 or 0001F).</summary>
    public bool WellFormed => System switch
    {
        BillingSystems.Icd10Cm => Icd10CmFormat().IsMatch(Code),
        BillingSystems.Hcpcs => HcpcsFormat().IsMatch(Code),
        _ => CptFile.IsCode(Code),
    };

    public string Version => FiscalYear?.ToString(CultureInfo.InvariantCulture) ?? "";

    [GeneratedRegex(@"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$", RegexOptions.IgnoreCase)] private static partial Regex Icd10CmFormat();
    [GeneratedRegex(@"^[A-V][0-9]{4}$", RegexOptions.IgnoreCase)] private static partial Regex HcpcsFormat();
}
