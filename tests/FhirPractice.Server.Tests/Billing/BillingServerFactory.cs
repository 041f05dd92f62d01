using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>
/// A server with billing's drop folder in a temporary folder, and a payer ("TESTPAYER") whose timely filing window
/// is long enough for the synthetic encounters of years past and whose appeals are due 90 days after a denial. The ICD-10-CM releases are the team's seed (FY2024,
/// FY2025), and the seed's FY2025 content filed as FY2010–FY2023 through the importer's folder, since Synthea's
/// encounters predate the seed. HCPCS: the seed's FY2025 and the tests' FY2024 file (G0136 added on 1 January 2024,
/// Q9999 terminated on 31 December 2023).
/// </summary>
public sealed class BillingServerFactory : FhirServerFactory
{
    /// <summary>Fiscal years before the seed's, under which the seed's FY2025 content is filed for Synthea's encounters.</summary>
    private static readonly IEnumerable<int> SyntheticYears = Enumerable.Range(2010, 14);

    public string DropFolder { get; } = Path.Combine(Path.GetTempPath(), "fhirpractice-tests", Guid.NewGuid().ToString("N"), "x12");
    private string CodeSets => Path.Combine(Path.GetDirectoryName(DropFolder)!, "codesets");

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        Directory.CreateDirectory(CodeSets);
        var seed = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "billing-seed", "icd10cm_order_2025.txt"));
        foreach (var year in SyntheticYears) File.WriteAllText(Path.Combine(CodeSets, $"icd10cm_order_{year}.txt"), seed);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "billing-seed", "HCPC2024_JAN_ANWEB_test.txt"), Path.Combine(CodeSets, "HCPC2024_JAN_ANWEB_test.txt"), overwrite: true);
        return
        [
            new("FhirPractice:Billing:DropFolder", DropFolder),
            new("FhirPractice:Billing:CodeSetsFolder", CodeSets),
            new("FhirPractice:Billing:SubmitterName", "TEST PRACTICE"),
            new("FhirPractice:Billing:SubmitterId", "TESTSUBMITTER"),
            new("FhirPractice:Billing:Payers:TESTPAYER:TimelyFilingDays", "36500"),
            new("FhirPractice:Billing:Payers:TESTPAYER:AppealDays", "90"),
            // The tests drive the inbound drop folder themselves.
            new("FhirPractice:Billing:InboundPollInterval", "01:00:00"),
        ];
    }

    public string Inbound => Path.Combine(DropFolder, "inbound");

    public IEnumerable<string> Outbound() =>
        Directory.Exists(Path.Combine(DropFolder, "outbound")) ? Directory.EnumerateFiles(Path.Combine(DropFolder, "outbound"), "*.x12") : [];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(Path.GetDirectoryName(DropFolder)!, recursive: true); } catch (IOException) { }
    }
}
