using System.Text;
using FhirPractice.Billing.CodeSets;

namespace FhirPractice.Billing.Tests.CodeSets;

public class CodeSetFileTests
{
    private static CodeSetRelease Seed(string system, int year) =>
        CodeSetFiles.Available(folder: null).Single(r => r.System == system && r.FiscalYear == year);

    private static CodeSetRelease Read(string fileName, string content) =>
        CodeSetFiles.Read(fileName, new MemoryStream(Encoding.UTF8.GetBytes(content)));

    /// <summary>A first line of an HCPCS procedure record, in the record layout's columns.</summary>
    private static string HcpcsLine(string code, string description, string effective = "20240101", string terminated = "", char recordId = '3') =>
        (code.PadRight(5) + "00100" + recordId + description.PadRight(80) + "SHORT".PadRight(28) + new string(' ', 141) + "20200101" + effective.PadRight(8) + terminated.PadRight(8) + "N").PadRight(320);

    [Fact]
    public void The_HCPCS_seed_joins_continuation_lines_reads_dates_and_leaves_modifiers_out()
    {
        var release = Seed(BillingSystems.Hcpcs, 2025);
        var g2211 = Assert.Single(release.Entries, e => e.Code == "G2211");
        Assert.StartsWith("Visit complexity inherent to evaluation and management associated with medical care services that serve", g2211.Display);
        Assert.EndsWith("(add-on code)", g2211.Display);
        Assert.Equal("Complex e/m visit add on", g2211.ShortDisplay);
        Assert.Equal(new DateOnly(2021, 1, 1), g2211.Effective);
        Assert.Null(g2211.Terminated);
        Assert.True(g2211.Billable);
        Assert.DoesNotContain(release.Entries, e => e.Code.Trim() == "25");
    }

    [Theory]
    [InlineData("HCPC2025_JAN_ANWEB_v2.txt", 2025)]
    [InlineData("HCPC2025_APR_ANWEB.txt", 2025)]
    [InlineData("HCPC2025_OCT_ANWEB_v3.txt", 2026)]
    [InlineData("hcpc2024_jul_anweb.txt", 2024)]
    public void An_HCPCS_file_belongs_to_the_fiscal_year_of_its_quarter(string name, int year) =>
        Assert.Equal(year, HcpcsFile.FiscalYearOf(name));

    [Fact]
    public void Names_that_are_no_code_set_are_not_recognized()
    {
        Assert.Null(CodeSetFiles.Recognize("HCPC2025_MAY_ANWEB.txt"));
        Assert.Null(CodeSetFiles.Recognize("cpt.csv"));
        Assert.Null(CodeSetFiles.Recognize("readme.txt"));
        Assert.Equal((BillingSystems.Cpt, 2026), CodeSetFiles.Recognize("CPT_2026.csv"));
    }

    [Theory]
    [InlineData("G0008001009Bad record id", "line 2: not an HCPCS record")]
    [InlineData("G0008  1003Short sequence", "line 2: not an HCPCS record")]
    [InlineData("G0008001003Too short a first line", "line 2: the first line of G0008 is 33 characters")]
    [InlineData("G0009001004A continuation of another code", "line 2: a continuation of G0009 without its first line")]
    public void A_malformed_HCPCS_line_is_refused_naming_the_file_and_the_line(string bad, string message)
    {
        var e = Assert.Throws<FormatException>(() => Read("HCPC2024_JAN_ANWEB.txt", HcpcsLine("G0008", "Administration of influenza virus vaccine") + "\n" + bad + "\n"));
        Assert.StartsWith("HCPC2024_JAN_ANWEB.txt, " + message, e.Message);
    }

    [Fact]
    public void A_bad_code_or_date_in_an_HCPCS_file_names_the_line_and_the_field()
    {
        var code = Assert.Throws<FormatException>(() => Read("HCPC2024_JAN_ANWEB.txt", "\n" + HcpcsLine("99213", "A CPT code")));
        Assert.Contains("line 2: '99213' is not an HCPCS Level II code", code.Message);
        var date = Assert.Throws<FormatException>(() => Read("HCPC2024_JAN_ANWEB.txt", HcpcsLine("G0008", "Vaccine", terminated: "2023-12-")));
        Assert.Contains("line 1: the termination date '2023-12-' (columns 277–284) is not a date", date.Message);
    }

    [Fact]
    public void A_CPT_file_reads_quoted_fields_and_refuses_bad_lines_by_number()
    {
        var release = Read("cpt_2026.csv", "code,display,short\n99213,\"Office or other outpatient visit, established patient\",OFFICE O/P EST LOW\n0001F,Heart failure composite,\n");
        Assert.Equal((BillingSystems.Cpt, 2026), (release.System, release.FiscalYear));
        Assert.Equal("Office or other outpatient visit, established patient", release.Entries[0].Display);
        Assert.Equal("OFFICE O/P EST LOW", release.Entries[0].ShortDisplay);
        Assert.Null(release.Entries[1].ShortDisplay);

        Assert.Contains("line 1: a CPT file starts with the header", Assert.Throws<FormatException>(() => Read("cpt_2026.csv", "99213,Office visit\n")).Message);
        Assert.Contains("line 3: '9921' is not a CPT code", Assert.Throws<FormatException>(() => Read("cpt_2026.csv", "code,display\n99213,Visit\n9921,Short code\n")).Message);
        Assert.Contains("line 2: a quoted field is not closed", Assert.Throws<FormatException>(() => Read("cpt_2026.csv", "code,display\n99213,\"Visit\n")).Message);
        Assert.Contains("line 2: 99213 has no display", Assert.Throws<FormatException>(() => Read("cpt_2026.csv", "code,display\n99213,\n")).Message);
    }

    [Fact]
    public void A_malformed_ICD_10_CM_order_line_is_refused_by_number()
    {
        var e = Assert.Throws<FormatException>(() => Read("icd10cm_order_2026.txt", "00001 I10     1 Essential (primary) hypertension\n00002 J0190   X Acute sinusitis\n"));
        Assert.Equal("icd10cm_order_2026.txt, line 2: not an ICD-10-CM order file line (order number, code, header flag, descriptions in fixed columns)", e.Message);
    }

    [Fact]
    public void The_same_file_has_the_same_hash_and_another_file_another()
    {
        var a = Read("cpt_2026.csv", "code,display\n99213,Visit\n");
        Assert.Equal(a.SourceHash, Read("cpt_2026.csv", "code,display\n99213,Visit\n").SourceHash);
        Assert.NotEqual(a.SourceHash, Read("cpt_2026.csv", "code,display\n99214,Visit\n").SourceHash);
    }
}
