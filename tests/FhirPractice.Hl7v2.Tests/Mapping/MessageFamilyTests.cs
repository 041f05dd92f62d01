using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>The families beyond ADT/ORU/SIU: documents, problems, pharmacy, referrals, specimen results, lab orders, billing accounts.</summary>
public class MessageFamilyTests
{
    private const string Txa = "TXA|1|CN^Consult note^HL70270|TX|20240105090000+0100|||||1234^DOCTOR^DAN|||DOC1^GOODHEALTH|PARENT1^GOODHEALTH||||AU||AV||||||Consult";

    private static async Task<Bundle> Map(params string[] segments) =>
        (await new V2ToFhirMapper(new MappingOptions { PracticeTimeZone = TimeZoneInfo.Utc }).MapAsync(Messages.Parse(segments), new FakeFhirLookup())).Transaction;

    private static List<T> All<T>(Bundle bundle) where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>().ToList();

    [Fact]
    public async System.Threading.Tasks.Task MDM_T02_document_carries_the_OBX_text_and_T10_replaces_its_parent()
    {
        var document = Assert.Single(All<DocumentReference>(await Map(Messages.Msh("MDM^T02", "C1"), "EVN|T02|20240105093000+0100", Messages.Pid(), Txa,
            "OBX|1|TX|||Line one", "OBX|2|TX|||Line two")));
        Assert.Equal(("DOC1", DocumentReferenceStatus.Current, CompositionStatus.Final, "CN"),
            (document.MasterIdentifier.Value, document.Status!.Value, document.DocStatus!.Value, document.Type.Coding[0].Code));
        Assert.Equal("Line one\nLine two", System.Text.Encoding.UTF8.GetString(document.Content.Single().Attachment.Data));
        Assert.Empty(document.RelatesTo);

        var replacement = Assert.Single(All<DocumentReference>(await Map(Messages.Msh("MDM^T10", "C2"), Messages.Pid(), Txa, "OBX|1|TX|||New text")));
        Assert.Equal((DocumentRelationshipType.Replaces, "PARENT1"), (replacement.RelatesTo[0].Code!.Value, replacement.RelatesTo[0].Target.Identifier.Value));

        var cancelled = Assert.Single(All<DocumentReference>(await Map(Messages.Msh("MDM^T11", "C3"), Messages.Pid(), Txa)));
        Assert.Equal(DocumentReferenceStatus.EnteredInError, cancelled.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task MDM_notification_without_content_keeps_the_stored_content()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("MDM^T02", "C1"), Messages.Pid(), Txa, "OBX|1|TX|||The text"), store)).Transaction);
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("MDM^T03", "C2"), Messages.Pid(), Txa.Replace("|AU||AV|", "|LA||OB|")), store)).Transaction);

        var document = (DocumentReference)Assert.Single(await store.SearchAsync("DocumentReference", []));
        Assert.Equal(DocumentReferenceStatus.Superseded, document.Status);
        Assert.Equal("The text", System.Text.Encoding.UTF8.GetString(document.Content.Single().Attachment.Data));
    }

    [Fact]
    public async System.Threading.Tasks.Task PPR_problem_delete_is_entered_in_error_without_clinical_status()
    {
        var added = Assert.Single(All<Condition>(await Map(Messages.Msh("PPR^PC1", "C1"), Messages.Pid(), "PRB|AD|20240105|596.5^BLADDER DYSFUNCTION^I9|P1|||20240101|||||||||20231201", "NTE|1||Since winter")));
        Assert.Equal(("problem-list-item", "active", "confirmed", "Since winter", "2023-12-01"),
            (added.Category[0].Coding[0].Code, added.ClinicalStatus.Coding[0].Code, added.VerificationStatus.Coding[0].Code, added.Note.Single().Text, ((FhirDateTime)added.Onset).Value));

        var deleted = Assert.Single(All<Condition>(await Map(Messages.Msh("PPR^PC3", "C2"), Messages.Pid(), "PRB|DE|20240105|596.5^BLADDER DYSFUNCTION^I9|P1")));
        Assert.Equal(("entered-in-error", (CodeableConcept?)null), (deleted.VerificationStatus.Coding[0].Code, deleted.ClinicalStatus));
    }

    [Fact]
    public async System.Threading.Tasks.Task RDS_dispense_is_authorised_by_the_encoded_order()
    {
        var bundle = await Map(Messages.Msh("RDS^O13", "C1"), Messages.Pid(), "ORC|NW|P1^EPC|F1^PHARM||||||20240105",
            "RXE||01151327^Doxycycline^NDC|1||TAB^Tablet^SCT||^1 tablet twice daily||G|6|TAB^Tablet^SCT|1|||PN1", "RXR|PO^Oral^HL70162",
            "RXD|1|01151327^Doxycycline^NDC|20240106|10|TAB^Tablet^SCT");
        var request = Assert.Single(All<MedicationRequest>(bundle));
        var dispense = Assert.Single(All<MedicationDispense>(bundle));
        Assert.Equal(("01151327", "1 tablet twice daily", "PO", 6m, 1), (((CodeableConcept)request.Medication).Coding[0].Code, request.DosageInstruction[0].Text,
            request.DosageInstruction[0].Route.Coding[0].Code, request.DispenseRequest.Quantity.Value!.Value, request.DispenseRequest.NumberOfRepeatsAllowed!.Value));
        Assert.Equal(bundle.Entry.Single(e => e.Resource is MedicationRequest).FullUrl, dispense.AuthorizingPrescription.Single().Reference);
        Assert.Equal((10m, "2024-01-06"), (dispense.Quantity.Value!.Value, dispense.WhenHandedOver));
    }

    [Fact]
    public async System.Threading.Tasks.Task RXD_amount_that_is_no_number_is_102_naming_RXD_4()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("RDS^O13", "C1"), Messages.Pid(), "ORC|NW|P1",
            "RXE||01151327^Doxycycline^NDC|1", "RXD|1|01151327^Doxycycline^NDC|20240106|ten"));
        Assert.Equal(("RXD", 4, "102"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task REF_referral_names_referrer_and_referred_to_and_I14_revokes_it()
    {
        string[] segments = ["RF1|P^Pending^HL70283|R^Routine^HL70280|Med^Medical^HL70281|||REF1^EPIC|20240105", Messages.Pid(),
            "PRD|RP^Referring Provider^HL70286|POWELL^ROBERT||||||D1", "PRD|RT^Referred to Provider^HL70286|McWILLIAMS^PAUL||||||D2",
            "DG1|1||I10^Hypertension^I10"];
        var referral = Assert.Single(All<ServiceRequest>(await Map([Messages.Msh("REF^I12", "C1"), .. segments])));
        Assert.Equal((RequestStatus.Draft, "3457005", "ROBERT POWELL", "PAUL McWILLIAMS", "REF1"),
            (referral.Status!.Value, referral.Category[0].Coding[0].Code, referral.Requester.Display, referral.Performer.Single().Display, referral.Identifier[0].Value));
        Assert.Single(referral.ReasonReference);

        var cancelled = Assert.Single(All<ServiceRequest>(await Map([Messages.Msh("REF^I14", "C2"), .. segments])));
        Assert.Equal(RequestStatus.Revoked, cancelled.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task OUL_R22_reports_on_the_specimen_that_precedes_the_order()
    {
        var bundle = await Map(Messages.Msh("OUL^R22", "C1"), Messages.Pid(), "SPM|1|S1&LAB||BLD^Blood^HL70487", "OBR|1|P1|F1^LAB|CBC^Blood count^L",
            "ORC|SC|P1|F1^LAB", "OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL^^UCUM|||||F", "OBX|2|ED|||^AP^PDF^Base64^AAAA");
        var report = Assert.Single(All<DiagnosticReport>(bundle));
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Specimen).FullUrl, report.Specimen.Single().Reference);
        Assert.Equal("718-7", Assert.Single(All<Observation>(bundle)).Code.Coding[0].Code); // the ED without OBX-3 is no observation
    }

    [Fact]
    public async System.Threading.Tasks.Task OML_order_gets_its_specimen_and_the_observations_it_comes_with()
    {
        var bundle = await Map(Messages.Msh("OML^O21", "C1"), Messages.Pid(), "ORC|NW|P1^EHR", "OBR|1|P1^EHR||CBC^Blood count^L", "NTE|1||Fasting",
            "OBX|1|NM|29463-7^Weight^LN||80|kg^^UCUM", "SPM|1|S1&EHR||BLD^Blood^HL70487");
        var request = Assert.Single(All<ServiceRequest>(bundle));
        Assert.Equal(("Fasting", 1, 1), (request.Note.Single().Text, request.SupportingInfo.Count, request.Specimen.Count));
    }

    [Fact]
    public async System.Threading.Tasks.Task BAR_puts_the_visit_on_the_account_and_the_account_on_its_coverage_and_P06_ends_it()
    {
        string[] segments = [Messages.Pid() + "|||||ACC1^^^GOODHEALTH&1.2.3.4&ISO^AN",
            "PV1|1|I|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO", "DG1|1||I10^Hypertension^I10", "PR1|1||0DTJ4ZZ^Appendectomy^I10P||20240105",
            "IN1|1|PLAN1|INS1^^^GOODHEALTH|Insurer||||||||||||||||||||||||||||||||POL1"];
        var bundle = await Map([Messages.Msh("BAR^P01", "C1"), "EVN|P01|20240105093000+0100", .. segments]);
        var account = Assert.Single(All<Account>(bundle));
        Assert.Equal(Account.AccountStatus.Active, account.Status);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Coverage).FullUrl, account.Coverage.Single().Coverage.Reference);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Account).FullUrl, Assert.Single(All<Encounter>(bundle)).Account.Single().Reference);
        Assert.Equal(("0DTJ4ZZ", "2024-01-05"), (Assert.Single(All<Procedure>(bundle)).Code.Coding[0].Code, ((FhirDateTime)All<Procedure>(bundle)[0].Performed).Value));
        Assert.Single(All<Condition>(bundle));

        var ended = Assert.Single(All<Account>(await Map([Messages.Msh("BAR^P06", "C2"), .. segments])));
        Assert.Equal(Account.AccountStatus.Inactive, ended.Status);
    }
}
