namespace FhirPractice.Billing.CodeSets;

/// <summary>US federal fiscal years, by which code-set releases are versioned: FY 2025 runs from 1 October 2024 to 30 September 2025.</summary>
public static class FiscalYear
{
    public static int Of(DateTime date) => date.Month >= 10 ? date.Year + 1 : date.Year;

    public static int Of(DateOnly date) => date.Month >= 10 ? date.Year + 1 : date.Year;

    public static DateOnly Start(int year) => new(year - 1, 10, 1);

    public static DateOnly End(int year) => new(year, 9, 30);
}
