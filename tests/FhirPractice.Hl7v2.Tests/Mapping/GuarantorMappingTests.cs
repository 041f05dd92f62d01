using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>
/// The people a patient's bills name: GT1 guarantors on the account PID-18 numbers, IN1 insureds as the coverage's
/// subscriber, each one RelatedPerson with the next of kin they may also be; and the account kept as stored.
/// </summary>
public class GuarantorMappingTests
{
    private const string SubscriberRelationship = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
    private static readonly MappingOptions Options = new() { PracticeTimeZone = TimeZoneInfo.Utc };

    /// <summary>A segment from its numbered fields; the others are empty.</summary>
    private static string Segment(string id, params (int Field, string Value)[] fields)
    {
        var values = new string[fields.Max(f => f.Field) + 1];
        values[0] = id;
        foreach (var (field, value) in fields) values[field] = value;
        return string.Join("|", values.Select(v => v ?? ""));
    }

    private static string Pid(string? account = "ACC1") => Segment("PID", (1, "1"), (3, "MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR"),
        (5, "EVERYMAN^ADAM"), (7, "20100101"), (8, "M"), (18, account is null ? "" : $"{account}^^^GOODHEALTH&1.2.3.4&ISO^AN"));

    private const string Pv1 = "PV1|1|O|||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO";

    private static readonly string MotherAsNextOfKin = Segment("NK1", (1, "1"), (2, "EVERYMAN^EVE"), (3, "MTH^Mother^HL70063"),
        (5, "^PRN^PH^^1^555^1110000"));

    private static readonly string MotherAsGuarantor = Segment("GT1", (1, "1"), (2, "G77^^^GOODHEALTH&1.2.3.4&ISO"), (3, "EVERYMAN^EVE"),
        (5, "5 OAK ST^^TOWN^MI^48104"), (6, "^PRN^PH^^1^555^1110000~^PRN^CP^^1^555^2220000"), (8, "19750302"), (9, "F"),
        (11, "MTH^Mother^HL70063"), (12, "123456789"), (13, "20240101"), (22, "N"));

    private static readonly string FatherInsured = Segment("IN1", (1, "1"), (2, "PLAN1^Gold plan"), (3, "INS1^^^INSAUTH"),
        (4, "ACME Insurance"), (16, "EVERYMAN^JOE"), (17, "FTH^Father^HL70063"), (18, "19720704"), (19, "5 OAK ST^^TOWN^MI^48104"),
        (36, "POL123"), (43, "M"));

    private static async Task<MappingResult> Map(FakeFhirLookup lookup, params string[] segments) =>
        await new V2ToFhirMapper(Options).MapAsync(Messages.Parse(segments), lookup);

    private static async Task<Bundle> Map(params string[] segments) => (await Map(new FakeFhirLookup(), segments)).Transaction;

    private static Bundle.EntryComponent Entry<T>(Bundle bundle, Func<T, bool>? where = null) where T : Resource =>
        Assert.Single(bundle.Entry, e => e.Resource is T t && (where is null || where(t)));

    [Fact]
    public async System.Threading.Tasks.Task A_GT1_is_the_guarantor_of_the_PID_18_account_and_the_same_RelatedPerson_as_the_next_of_kin_it_also_is()
    {
        var bundle = await Map(Messages.Msh("ADT^A08", "G1"), Pid(), MotherAsNextOfKin, Pv1, FatherInsured, MotherAsGuarantor);

        var account = Entry<Account>(bundle);
        Assert.Equal((Bundle.HTTPVerb.PUT, "Account?identifier=urn%3Aoid%3A1.2.3.4|ACC1"), (account.Request.Method!.Value, account.Request.Url));
        var patient = Entry<Patient>(bundle).FullUrl;
        var mother = Entry<RelatedPerson>(bundle, p => p.Name[0].Given.Single() == "EVE");
        var guarantor = Assert.Single(((Account)account.Resource).Guarantor);
        Assert.Equal(mother.FullUrl, guarantor.Party.Reference);
        Assert.Equal(("2024-01-01", false), (guarantor.Period.Start, guarantor.OnHold));
        Assert.Equal([patient], ((Account)account.Resource).Subject.Select(s => s.Reference));
        Assert.Equal([account.FullUrl], Entry<Encounter>(bundle).Resource is Encounter visit ? visit.Account.Select(a => a.Reference) : []);

        // What the GT1 says of the mother and her NK1 did not is added to the one RelatedPerson; a phone both give is kept once.
        var person = (RelatedPerson)mother.Resource;
        Assert.Equal(("1975-03-02", AdministrativeGender.Female), (person.BirthDate, person.Gender!.Value));
        Assert.Equal(["G77", "123456789"], person.Identifier.Select(i => i.Value));
        Assert.Equal("http://hl7.org/fhir/sid/us-ssn", person.Identifier[1].System);
        Assert.Equal(["+1 555 1110000", "+1 555 2220000"], person.Telecom.Select(t => t.Value));
        Assert.Equal(["MTH", "MTH"], person.Relationship[0].Coding.Select(c => c.Code));

        // The IN1's insured is the coverage's subscriber, and the relationship leads with the code a claim reads.
        var father = Entry<RelatedPerson>(bundle, p => p.Name[0].Given.Single() == "JOE");
        var coverage = (Coverage)Entry<Coverage>(bundle).Resource;
        Assert.Equal(father.FullUrl, coverage.Subscriber.Reference);
        Assert.Equal((SubscriberRelationship, "parent"), (coverage.Relationship.Coding[0].System, coverage.Relationship.Coding[0].Code));
        Assert.Equal(["parent", "FTH", "FTH"], coverage.Relationship.Coding.Select(c => c.Code));
        var insured = (RelatedPerson)father.Resource;
        Assert.Equal(("1972-07-04", AdministrativeGender.Male, "TOWN"), (insured.BirthDate, insured.Gender!.Value, insured.Address.Single().City));
        Assert.Equal(patient, insured.Patient.Reference);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_patient_as_guarantor_and_insured_and_an_organisation_as_guarantor()
    {
        var bundle = await Map(Messages.Msh("ADT^A08", "G2"), Pid(),
            Segment("IN1", (1, "1"), (3, "INS1^^^INSAUTH"), (4, "ACME Insurance"), (16, "EVERYMAN^ADAM"), (17, "SEL^Self^HL70063"), (36, "POL9")),
            Segment("GT1", (1, "1"), (3, "EVERYMAN^ADAM"), (11, "SEL")),
            Segment("GT1", (1, "2"), (21, "ACME EMPLOYER"), (22, "Y")));

        var patient = Entry<Patient>(bundle).FullUrl;
        Assert.DoesNotContain(bundle.Entry, e => e.Resource is RelatedPerson);
        var coverage = (Coverage)Entry<Coverage>(bundle).Resource;
        Assert.Equal((patient, "self"), (coverage.Subscriber.Reference, coverage.Relationship.Coding[0].Code));
        var guarantors = ((Account)Entry<Account>(bundle).Resource).Guarantor;
        Assert.Equal(2, guarantors.Count);
        Assert.Equal((patient, (bool?)null), (guarantors[0].Party.Reference, guarantors[0].OnHold));
        var employer = Entry<Organization>(bundle, o => o.Name == "ACME EMPLOYER");
        Assert.Equal((employer.FullUrl, (bool?)true), (guarantors[1].Party.Reference, guarantors[1].OnHold));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_GT1_that_names_no_one_or_has_no_account_to_guarantee_is_a_warning()
    {
        var noOne = await Map(new FakeFhirLookup(), Messages.Msh("ADT^A08", "G3"), Pid(), Segment("GT1", (1, "1"), (8, "19750302")));
        Assert.Empty(((Account)Entry<Account>(noOne.Transaction).Resource).Guarantor);
        var warning = Assert.Single(noOne.Warnings);
        Assert.Equal(("GT1", 3, "207"), (warning.SegmentId, warning.Field, warning.Code));

        var noAccount = await Map(new FakeFhirLookup(), Messages.Msh("ADT^A08", "G4"), Pid(account: null), MotherAsGuarantor);
        Assert.DoesNotContain(noAccount.Transaction.Entry, e => e.Resource is Account or RelatedPerson);
        warning = Assert.Single(noAccount.Warnings);
        Assert.Equal(("PID", 18), (warning.SegmentId, warning.Field));
        Assert.Contains("GT1", warning.Diagnostic);
    }

    [Theory]
    [InlineData("GT1", 8, "19751302")]
    [InlineData("IN1", 18, "1972-07-04")]
    public async System.Threading.Tasks.Task A_party_s_birth_date_that_is_no_date_is_refused_naming_its_field(string segment, int field, string value)
    {
        var message = segment == "GT1"
            ? Segment("GT1", (1, "1"), (3, "EVERYMAN^EVE"), (8, value), (11, "MTH"))
            : Segment("IN1", (1, "1"), (3, "INS1^^^INSAUTH"), (16, "EVERYMAN^JOE"), (17, "FTH"), (18, value));
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(new FakeFhirLookup(), Messages.Msh("ADT^A08", "G9"), Pid(), message));
        Assert.Equal((segment, field, "102"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task An_ADT_keeps_what_is_stored_of_the_account_and_its_GT1s_replace_the_guarantors()
    {
        var stored = new Account
        {
            Id = "acc-1", Status = Account.AccountStatus.Inactive, Identifier = [new Identifier("urn:oid:1.2.3.4", "ACC1")],
            Coverage = [new Account.CoverageComponent { Coverage = new ResourceReference("Coverage/c1"), Priority = 1 }],
            Guarantor = [new Account.GuarantorComponent { Party = new ResourceReference("RelatedPerson/earlier") }],
        };
        var lookup = new FakeFhirLookup { Resources = { stored } };

        var without = (Account)Entry<Account>((await Map(lookup, Messages.Msh("ADT^A08", "G5"), Pid(), Pv1)).Transaction).Resource;
        Assert.Equal(Account.AccountStatus.Inactive, without.Status);
        Assert.Equal(["Coverage/c1"], without.Coverage.Select(c => c.Coverage.Reference));
        Assert.Equal(["RelatedPerson/earlier"], without.Guarantor.Select(g => g.Party.Reference));

        var withGt1 = await Map(lookup, Messages.Msh("ADT^A08", "G6"), Pid(), MotherAsGuarantor);
        var account = (Account)Entry<Account>(withGt1.Transaction).Resource;
        Assert.Equal(["Coverage/c1"], account.Coverage.Select(c => c.Coverage.Reference));
        Assert.Equal([Entry<RelatedPerson>(withGt1.Transaction).FullUrl], account.Guarantor.Select(g => g.Party.Reference));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_BAR_lists_a_guarantor_sent_twice_once()
    {
        var bundle = await Map(Messages.Msh("BAR^P01", "G7"), Pid(), Pv1, MotherAsGuarantor, MotherAsGuarantor);
        Assert.Single(((Account)Entry<Account>(bundle).Resource).Guarantor);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_DFT_posts_to_the_account_as_it_is_stored_and_creates_it_only_when_unknown()
    {
        var bundle = await Map(Messages.Msh("DFT^P03", "G8"), Pid(), "FT1|1|T1||20240105||CG|99213^Office visit^C4|||1");
        var account = Entry<Account>(bundle);
        Assert.Equal((Bundle.HTTPVerb.POST, "identifier=urn%3Aoid%3A1.2.3.4|ACC1"), (account.Request.Method!.Value, account.Request.IfNoneExist));
        Assert.Equal([account.FullUrl], ((ChargeItem)Entry<ChargeItem>(bundle).Resource).Account.Select(a => a.Reference));
    }
}
