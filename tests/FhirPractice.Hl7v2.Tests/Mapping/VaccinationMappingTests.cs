using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>A VXU's OBX: what the CDC immunization guide sends as OBX lands in the Immunization; the rest are Observations.</summary>
public class VaccinationMappingTests
{
    private static async Task<MappingResult> Map(params string[] segments) =>
        await new V2ToFhirMapper(new MappingOptions { PracticeTimeZone = TimeZoneInfo.Utc }).MapAsync(Messages.Parse(segments), new FakeFhirLookup());

    private const string Orc = "ORC|RE||IZ-1^NIST-AA-IZ-2";
    private const string Rxa = "RXA|0|1|20240105||08^HepB, adolescent or pediatric^CVX|0.5|mL^mL^UCUM||00^New Record^NIP001";

    [Fact]
    public async System.Threading.Tasks.Task Eligibility_funding_and_the_VIS_given_are_the_Immunizations_and_other_OBX_are_Observations()
    {
        var result = await Map(Messages.Msh("VXU^V04^VXU_V04", "V1"), Messages.Pid(),
            "OBX|1|CE|59784-9^Disease with presumed immunity^LN||38907003^Varicella^SCT||||||F",
            Orc, Rxa, "RXR|C28161^Intramuscular^NCIT",
            "OBX|1|CE|64994-7^Vaccine funding program eligibility category^LN|1|V02^VFC eligible - Medicaid/Medicaid Managed Care^HL70064||||||F|||20240105",
            "OBX|2|CE|30963-3^Vaccine funding source^LN|2|VXC50^Public^CDCPHINVS||||||F|||20240105",
            "OBX|3|CE|69764-9^Document type^LN|3|253088698300026411150402^Hepatitis B VIS^cdcgs1vis||||||F|||20240105",
            "OBX|4|DT|29769-7^Date vis presented^LN|3|20240105||||||F|||20240105",
            "OBX|5|DT|29768-9^Date vaccine information statement published^LN|3|20120202||||||F|||20240105",
            "OBX|6|DT|29769-7^Date vis presented^LN|4|20240105||||||F|||20240105",
            "OBX|7|CE|29769-7^Date vis presented^LN|5|PHC70^Private^CDCPHINVS||||||F|||20240105",
            "OBX|8|NM|8302-2^Body height^LN||120|cm^cm^UCUM|||||F");

        var bundle = result.Transaction;
        var immunizationEntry = Assert.Single(bundle.Entry, e => e.Resource is Immunization);
        var immunization = (Immunization)immunizationEntry.Resource;
        Assert.Equal(("V02", "http://terminology.hl7.org/CodeSystem/v2-0064"),
            (immunization.ProgramEligibility.Single().Coding[0].Code, immunization.ProgramEligibility[0].Coding[0].System));
        Assert.Equal("VXC50", immunization.FundingSource.Coding[0].Code);
        var statement = Assert.Single(immunization.Education);
        Assert.Equal(("253088698300026411150402", "2012-02-02", "2024-01-05"), (statement.DocumentType, statement.PublicationDate, statement.PresentationDate));

        // The dates of a statement without its document (OBX-4 4) are left out with a warning naming that OBX (the seventh).
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(("OBX", 7, 3), (warning.SegmentId, warning.SegmentSequence, warning.Field));

        // Before the first order: the patient's; in the order group (a code whose value does not fit, a height): part of the Immunization.
        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        Assert.Equal(["29769-7", "59784-9", "8302-2"], observations.Select(o => o.Code.Coding[0].Code).Order());
        Assert.Empty(observations.Single(o => o.Code.Coding[0].Code == "59784-9").PartOf);
        Assert.All(observations.Where(o => o.Code.Coding[0].Code != "59784-9"),
            o => Assert.Equal([immunizationEntry.FullUrl], o.PartOf.Select(p => p.Reference)));
    }

    [Fact]
    public async System.Threading.Tasks.Task Each_order_group_keeps_its_own_OBX()
    {
        var bundle = (await Map(Messages.Msh("VXU^V04^VXU_V04", "V2"), Messages.Pid(),
            Orc, Rxa, "OBX|1|CE|64994-7^Eligibility^LN|1|V01^Not VFC eligible^HL70064||||||F",
            "ORC|RE||IZ-2^NIST-AA-IZ-2", "RXA|0|1|20231001||88^influenza^CVX|999|||01^Historical^NIP001",
            "OBX|1|CE|64994-7^Eligibility^LN|1|V05^FQHC^HL70064||||||F")).Transaction;
        Assert.Equal(["V01", "V05"], bundle.Entry.Select(e => e.Resource).OfType<Immunization>()
            .OrderBy(i => i.Occurrence.ToString()).Reverse().Select(i => i.ProgramEligibility.Single().Coding[0].Code));
    }
}
