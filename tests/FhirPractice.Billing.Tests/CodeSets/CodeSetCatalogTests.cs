using FhirPractice.Billing.CodeSets;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Tests.CodeSets;

public class CodeSetCatalogTests
{
    private static readonly CodeSetRelease Icd = new(BillingSystems.Icd10Cm, 2025,
    [
        new("J01.9", "Acute sinusitis, unspecified", null, Billable: false),
        new("J01.90", "Acute sinusitis, unspecified", "Acute sinusitis, unsp", Billable: true),
    ], "sha256:a");

    private static readonly CodeSetRelease Hcpcs = new(BillingSystems.Hcpcs, 2024,
    [
        new("G0136", "Administration of an SDOH risk assessment", "Admin sdoh risk", true, Effective: new DateOnly(2024, 1, 1)),
        new("Q9999", "Terminated", null, true, Effective: new DateOnly(2020, 1, 1), Terminated: new DateOnly(2023, 12, 31)),
    ], "sha256:b");

    private static CodeSetCatalog Catalog()
    {
        var catalog = new CodeSetCatalog();
        catalog.Load(Icd, "icd");
        catalog.Load(Hcpcs, "hcpcs");
        return catalog;
    }

    [Theory]
    [InlineData("J01.90", "2025-03-10", CodeStatus.Billable)]
    [InlineData("J0190", "2025-03-10", CodeStatus.Billable)]
    [InlineData("j01.90", "2024-10-01", CodeStatus.Billable)]
    [InlineData("J01.9", "2025-03-10", CodeStatus.Header)]
    [InlineData("J02.9", "2025-03-10", CodeStatus.NotInRelease)]
    [InlineData("J01.90", "2024-09-30", CodeStatus.NoRelease)]
    public void ICD_10_CM_is_checked_in_the_release_of_the_fiscal_year(string code, string date, CodeStatus status) =>
        Assert.Equal(status, Catalog().Check(BillingSystems.Icd10Cm, code, DateOnly.Parse(date)));

    [Theory]
    [InlineData("G0136", "2023-12-31", CodeStatus.NotInEffect)]
    [InlineData("G0136", "2024-01-01", CodeStatus.Billable)]
    [InlineData("Q9999", "2023-12-31", CodeStatus.Billable)]
    [InlineData("Q9999", "2024-01-01", CodeStatus.NotInEffect)]
    public void HCPCS_codes_are_valid_between_their_effective_and_termination_dates(string code, string date, CodeStatus status) =>
        Assert.Equal(status, Catalog().Check(BillingSystems.Hcpcs, code, DateOnly.Parse(date)));

    [Fact]
    public void CPT_is_accepted_by_format_until_a_licensed_release_is_loaded()
    {
        var catalog = Catalog();
        Assert.Equal(CodeStatus.AcceptedByFormat, catalog.Check(BillingSystems.Cpt, "99213", new DateOnly(2025, 3, 10)));
        Assert.Equal(CodeStatus.NoRelease, catalog.Check(BillingSystems.Cpt, "9921", new DateOnly(2025, 3, 10)));
        catalog.Load(new CodeSetRelease(BillingSystems.Cpt, 2025, [new("99213", "Office visit", null, true)], "sha256:c"), "cpt");
        Assert.Equal(CodeStatus.Billable, catalog.Check(BillingSystems.Cpt, "99213", new DateOnly(2025, 3, 10)));
        Assert.Equal(CodeStatus.NotInRelease, catalog.Check(BillingSystems.Cpt, "99214", new DateOnly(2025, 3, 10)));
        catalog.Forget("cpt");
        Assert.Equal(CodeStatus.AcceptedByFormat, catalog.Check(BillingSystems.Cpt, "99214", new DateOnly(2025, 3, 10)));
    }

    [Fact]
    public void A_release_survives_the_round_trip_through_its_CodeSystem()
    {
        var codeSystem = CodeSystemResource.ToCodeSystem(Hcpcs);
        Assert.Equal((BillingSystems.Hcpcs, "2024", 2), (codeSystem.Url, codeSystem.Version, codeSystem.Count));
        Assert.Equal("2023-10-01", ((Period)codeSystem.GetExtension("http://hl7.org/fhir/StructureDefinition/resource-effectivePeriod").Value).Start);
        var back = CodeSystemResource.FromCodeSystem(codeSystem)!;
        Assert.Equal(Hcpcs.Entries, back.Entries);
        Assert.Equal("sha256:b", back.SourceHash);

        var header = CodeSystemResource.ToCodeSystem(Icd).Concept.Single(c => c.Code == "J01.9");
        Assert.Equal([("billable", false), ("notSelectable", true)], header.Property.Select(p => (p.Code, ((FhirBoolean)p.Value).Value!.Value)));
    }

    [Fact]
    public void A_CodeSystem_of_another_url_or_a_version_that_is_no_fiscal_year_is_no_release()
    {
        Assert.Null(CodeSystemResource.FromCodeSystem(new CodeSystem { Url = "http://loinc.org", Version = "2025" }));
        Assert.Null(CodeSystemResource.FromCodeSystem(new CodeSystem { Url = BillingSystems.Icd10Cm, Version = "2025-AA" }));
    }
}
