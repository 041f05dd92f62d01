using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>What the ADT triggers beyond admit/update do: encounter statuses, a deleted person, identifier and account changes, allergies, beds.</summary>
public class AdtEventTests
{
    private const string Pv1 = "PV1|1|I|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO|||||||||||||||||||||||||20240105090000+0100|20240110113000+0100";

    private static async Task<Bundle> Map(params string[] segments) =>
        (await new V2ToFhirMapper(new MappingOptions { PracticeTimeZone = TimeZoneInfo.Utc }).MapAsync(Messages.Parse(segments), new FakeFhirLookup())).Transaction;

    private static T One<T>(Bundle bundle) where T : Resource => Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<T>());

    [Theory]
    [InlineData("A02", Encounter.EncounterStatus.InProgress)]
    [InlineData("A05", Encounter.EncounterStatus.Planned)]
    [InlineData("A11", Encounter.EncounterStatus.Cancelled)]
    [InlineData("A13", Encounter.EncounterStatus.InProgress)]
    [InlineData("A21", Encounter.EncounterStatus.Onleave)]
    [InlineData("A23", Encounter.EncounterStatus.EnteredInError)]
    [InlineData("A27", Encounter.EncounterStatus.Cancelled)]
    [InlineData("A03", Encounter.EncounterStatus.Finished)]
    public async System.Threading.Tasks.Task Encounter_status_follows_the_trigger(string trigger, Encounter.EncounterStatus status)
    {
        var encounter = One<Encounter>(await Map(Messages.Msh($"ADT^{trigger}", "C1"), Messages.Pid(), Pv1));
        Assert.Equal(status, encounter.Status);
        // A visit that is not over has no end, though PV1-45 still carries the discharge a cancel undoes.
        Assert.Equal(status is Encounter.EncounterStatus.InProgress or Encounter.EncounterStatus.Onleave or Encounter.EncounterStatus.Planned, encounter.Period.End is null);
    }

    [Fact]
    public async System.Threading.Tasks.Task A17_swaps_two_patients_each_with_their_visit()
    {
        var bundle = await Map(Messages.Msh("ADT^A17", "C1"), Messages.Pid("MRN1", "ONE"), Pv1, Messages.Pid("MRN2", "TWO"),
            Pv1.Replace("W1^101^A", "W2^202^B").Replace("V1^^^", "V2^^^"));
        var urls = bundle.Entry.Where(e => e.Resource is Patient).ToDictionary(e => ((Patient)e.Resource).Name[0].Family, e => e.FullUrl);
        var encounters = bundle.Entry.Select(e => e.Resource).OfType<Encounter>().ToDictionary(e => e.Identifier[0].Value, e => e.Subject.Reference);
        Assert.Equal(urls["ONE"], encounters["V1"]);
        Assert.Equal(urls["TWO"], encounters["V2"]);
    }

    [Fact]
    public async System.Threading.Tasks.Task A29_makes_the_patient_inactive_without_deleting_anything()
    {
        var bundle = await Map(Messages.Msh("ADT^A29", "C1"), "EVN|A29|20240105093000+0100", Messages.Pid());
        Assert.False(One<Patient>(bundle).Active);
        Assert.DoesNotContain(bundle.Entry, e => e.Request.Method == Bundle.HTTPVerb.DELETE);
    }

    [Fact]
    public async System.Threading.Tasks.Task A60_maps_each_IAM_to_an_allergy_and_a_delete_to_entered_in_error()
    {
        var bundle = await Map(Messages.Msh("ADT^A60", "C1"), Messages.Pid(),
            "IAM|1|FA^Food allergy^HL70127|12345^Peanut^L|SV^Severe^HL70128|Hives|A^Add^HL70206|A1^GOODHEALTH||||20200101|||||||",
            "IAM|2|DA|PEN^Penicillin^L||||||||||20210101");
        var allergies = bundle.Entry.Select(e => e.Resource).OfType<AllergyIntolerance>().ToList();
        Assert.Equal(2, allergies.Count);
        var peanut = allergies.Single(a => a.Code.Coding[0].Code == "12345");
        Assert.Equal((AllergyIntolerance.AllergyIntoleranceCategory.Food, AllergyIntolerance.AllergyIntoleranceCriticality.High, "Hives", "A1"),
            (peanut.Category.Single()!.Value, peanut.Criticality!.Value, peanut.Reaction[0].Manifestation[0].Text, peanut.Identifier[0].Value));
        Assert.Equal("2020-01-01", ((FhirDateTime)peanut.Onset).Value);

        var deleted = One<AllergyIntolerance>(await Map(Messages.Msh("ADT^A60", "C2"), Messages.Pid(), "IAM|1|DA|PEN^Penicillin^L|||D"));
        Assert.Equal("entered-in-error", deleted.VerificationStatus.Coding[0].Code);
    }

    [Fact]
    public async System.Threading.Tasks.Task A20_sets_the_operational_status_of_the_bed()
    {
        var bundle = await Map(Messages.Msh("ADT^A20", "C1"), "EVN|A20|20240105093000+0100", "NPU|W1^101^A^GOODHEALTH|H^Housekeeping^HL70116");
        var bed = One<Location>(bundle);
        Assert.Equal(("H", "http://terminology.hl7.org/CodeSystem/v2-0116"), (bed.OperationalStatus.Code, bed.OperationalStatus.System));
    }

    [Fact]
    public async System.Threading.Tasks.Task A45_without_a_visit_number_is_101_naming_PV1_19()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A45", "C1"), Messages.Pid(), "MRG|OLD1", "PV1|1|I|W1^101^A"));
        Assert.Equal(("PV1", 19, "101"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task A45_moves_the_visit_and_what_was_recorded_in_it_to_the_PID_patient()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        const string pv1 = "PV1|1|I|W1^101^A^GOODHEALTH||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO^VN";
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A01^ADT_A01", "M1"), "EVN|A01|20240105093000+0100",
            Messages.Pid("MRN1", "ONE"), pv1, "OBX|1|NM|8302-2^Body height^LN||180|cm|||||F"), store)).Transaction);
        // Recorded about the same patient outside the visit: stays with it.
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A08^ADT_A01", "M2"), "EVN|A08|20240105100000+0100",
            Messages.Pid("MRN1", "ONE"), "PV1|1|O", "OBX|1|NM|29463-7^Body weight^LN||80|kg|||||F"), store)).Transaction);

        foreach (var control in new[] { "M3", "M4" }) // the same move again changes nothing more
            await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A45^ADT_A45", control), "EVN|A45|20240106093000+0100",
                Messages.Pid("MRN2", "TWO"), "MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR", pv1), store)).Transaction);

        var patients = (await store.SearchAsync("Patient", [])).Cast<Patient>().ToDictionary(p => p.Name[0].Family, p => $"Patient/{p.Id}");
        var visit = (Encounter)Assert.Single(await store.SearchAsync("Encounter", []));
        Assert.Equal(patients["TWO"], visit.Subject.Reference);
        var observations = (await store.SearchAsync("Observation", [])).Cast<Observation>().ToDictionary(o => o.Code.Coding[0].Code, o => o.Subject.Reference);
        Assert.Equal(patients["TWO"], observations["8302-2"]);
        Assert.Equal(patients["ONE"], observations["29463-7"]);
    }

    [Fact]
    public async System.Threading.Tasks.Task A47_changes_the_identifier_of_the_stored_patient_in_place()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A01", "M1", mrn: "OLD1"), store)).Transaction);
        var before = (Patient)(await store.SearchAsync("Patient", [])).Single();

        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A47^ADT_A30", "M2"), Messages.Pid("NEW1"),
            "MRG|OLD1^^^GOODHEALTH&1.2.3.4&ISO^MR"), store)).Transaction);

        var after = (Patient)Assert.Single(await store.SearchAsync("Patient", []));
        Assert.Equal(before.Id, after.Id);
        Assert.Contains(after.Identifier, i => i.Value == "NEW1");
        Assert.DoesNotContain(after.Identifier, i => i.Value == "OLD1");
        Assert.Single(await store.SearchAsync("Encounter", [new("subject", $"Patient/{after.Id}")]));
    }

    [Theory]
    [InlineData("A50", "MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR||||V1^^^GOODHEALTH&1.2.3.4&ISO", "V2", "")]
    [InlineData("A51", "MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR|||||ALT1^^^GOODHEALTH&1.2.3.4&ISO", "V1", "ALT2^^^GOODHEALTH&1.2.3.4&ISO")]
    public async System.Threading.Tasks.Task A50_and_A51_change_the_number_of_the_stored_visit_in_place(string trigger, string mrg, string visit, string alternate)
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        static string Pv1(string visit, string alternate) =>
            $"PV1|1|I|W1^101^A^GOODHEALTH||||||||||||||||{visit}^^^GOODHEALTH&1.2.3.4&ISO^VN" + new string('|', 31) + alternate; // PV1-19, PV1-50
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A01^ADT_A01", "M1"), Messages.Pid(),
            Pv1("V1", "ALT1^^^GOODHEALTH&1.2.3.4&ISO")), store)).Transaction);
        var before = (Encounter)Assert.Single(await store.SearchAsync("Encounter", []));

        var change = Messages.Parse(Messages.Msh($"ADT^{trigger}^ADT_A50", "M2"), $"EVN|{trigger}|20240106093000+0100", Messages.Pid(), mrg,
            Pv1(visit, alternate));
        await store.CommitAsync((await mapper.MapAsync(change, store)).Transaction);

        var after = (Encounter)Assert.Single(await store.SearchAsync("Encounter", []));
        Assert.Equal(before.Id, after.Id); // rewritten in place: what refers to the visit still does
        var values = after.Identifier.Select(i => i.Value).ToList();
        Assert.Equal(trigger == "A50" ? ["V2", "ALT1"] : ["V1", "ALT2"], values);
        // The next message naming the new number updates that visit.
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A08", "M3", visit: visit), store)).Transaction);
        Assert.Equal(before.Id, Assert.Single(await store.SearchAsync("Encounter", [])).Id);
    }

    [Fact]
    public async System.Threading.Tasks.Task A50_for_a_visit_not_stored_writes_it_from_the_PV1()
    {
        await using var store = new InProcessFhirStore();
        var change = Messages.Parse(Messages.Msh("ADT^A50^ADT_A50", "M1"), Messages.Pid(), "MRG|MRN1||||OLD9^^^GOODHEALTH&1.2.3.4&ISO",
            "PV1|1|I|W1^101^A^GOODHEALTH||||||||||||||||V9^^^GOODHEALTH&1.2.3.4&ISO^VN");
        await store.CommitAsync((await new V2ToFhirMapper().MapAsync(change, store)).Transaction);

        Assert.Equal("V9", ((Encounter)Assert.Single(await store.SearchAsync("Encounter", []))).Identifier.Single().Value);
    }

    [Theory]
    [InlineData("ADT^A50^ADT_A50", "MRG|MRN1", "PV1|1|I|||||||||||||||||V2", "MRG", 5, "101")]
    [InlineData("ADT^A50^ADT_A50", "MRG|MRN1||||V1", "PV1|1|I|W1^101^A", "PV1", 19, "101")]
    [InlineData("ADT^A51^ADT_A50", "MRG|MRN1|||||ALT1", "PV1|1|I|W1^101^A", "PV1", 50, "101")]
    [InlineData("ADT^A50^ADT_A50", "MRG|MRN1||||V1", "", "PV1", null, "100")]
    public async System.Threading.Tasks.Task A50_and_A51_name_the_field_they_miss(string type, string mrg, string pv1, string segment, int? field, string code)
    {
        var segments = new[] { Messages.Msh(type, "C1"), Messages.Pid(), mrg, pv1 }.Where(s => s.Length > 0).ToArray();
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(segments));
        Assert.Equal((segment, field, code), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task A42_merges_the_prior_visit_into_the_surviving_one_and_moves_what_referred_to_it()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A01^ADT_A01", "M1"), "EVN|A01|20240105093000+0100",
            Messages.Pid(), "PV1|1|I|W1^101^A^GOODHEALTH||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO^VN",
            "OBX|1|NM|8302-2^Body height^LN||180|cm|||||F"), store)).Transaction);
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A01", "M2", visit: "V2"), store)).Transaction);
        var visits = (await store.SearchAsync("Encounter", [])).Cast<Encounter>().ToDictionary(e => e.Identifier[0].Value);

        foreach (var control in new[] { "M3", "M4" }) // the same merge again changes nothing more
            await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A42^ADT_A39", control), "EVN|A42|20240106093000+0100",
                Messages.Pid(), "MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR||||V1^^^GOODHEALTH&1.2.3.4&ISO",
                "PV1|1|I|W1^101^A^GOODHEALTH||||||||||||||||V2^^^GOODHEALTH&1.2.3.4&ISO^VN"), store)).Transaction);

        var after = (await store.SearchAsync("Encounter", [])).Cast<Encounter>().ToDictionary(e => e.Identifier[0].Value);
        Assert.Equal(visits["V1"].Id, after["V1"].Id); // kept, with its number: the record of the merge
        Assert.Equal(Encounter.EncounterStatus.EnteredInError, after["V1"].Status);
        Assert.Equal(Encounter.EncounterStatus.InProgress, after["V2"].Status);
        var height = (Observation)Assert.Single(await store.SearchAsync("Observation", []));
        Assert.Equal($"Encounter/{visits["V2"].Id}", height.Encounter.Reference);
    }

    [Fact]
    public async System.Threading.Tasks.Task A42_for_a_visit_not_stored_writes_it_merged()
    {
        await using var store = new InProcessFhirStore();
        await store.CommitAsync((await new V2ToFhirMapper().MapAsync(Messages.Parse(Messages.Msh("ADT^A42^ADT_A39", "M1"), Messages.Pid(),
            "MRG|MRN1||||V1^^^GOODHEALTH&1.2.3.4&ISO", "PV1|1|I|W1^101^A^GOODHEALTH||||||||||||||||V2^^^GOODHEALTH&1.2.3.4&ISO^VN"), store)).Transaction);

        var visits = (await store.SearchAsync("Encounter", [])).Cast<Encounter>().ToDictionary(e => e.Identifier[0].Value, e => e.Status);
        Assert.Equal(Encounter.EncounterStatus.EnteredInError, visits["V1"]);
        Assert.Equal(Encounter.EncounterStatus.InProgress, visits["V2"]);
    }

    [Theory]
    [InlineData("MRG|MRN1", "PV1|1|I|||||||||||||||||V2", "MRG", 5, "101")]
    [InlineData("MRG|MRN1||||V1", "PV1|1|I|W1^101^A", "PV1", 19, "101")]
    [InlineData("MRG|MRN1||||V1", "PV1|1|I|||||||||||||||||V1", "MRG", 5, "102")]
    [InlineData("MRG|MRN1||||V1", "", "PV1", null, "100")]
    public async System.Threading.Tasks.Task A42_names_the_field_it_misses_and_refuses_a_visit_merged_into_itself(string mrg, string pv1, string segment, int? field, string code)
    {
        var segments = new[] { Messages.Msh("ADT^A42^ADT_A39", "C1"), Messages.Pid(), mrg, pv1 }.Where(s => s.Length > 0).ToArray();
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(segments));
        Assert.Equal((segment, field, code), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task A44_moves_the_account_and_its_charges_to_the_PID_patient()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        const string acc1 = "ACC1^^^GOODHEALTH&1.2.3.4&ISO^AN";
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("DFT^P03^DFT_P03", "M1"), "EVN|P03|20240105093000+0100",
            Messages.Pid("MRN1", "ONE") + "|||||" + acc1, "FT1|1|T1||20240105|20240105|CG|99213^Visit^C4|||1"), store)).Transaction);
        var account = (Account)Assert.Single(await store.SearchAsync("Account", []));
        var one = (Patient)Assert.Single(await store.SearchAsync("Patient", []));

        foreach (var control in new[] { "M2", "M3" }) // the second move to the same patient adds nothing
            await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A44^ADT_A43", control), "EVN|A44|20240106093000+0100",
                Messages.Pid("MRN2", "TWO"), "MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR||" + acc1), store)).Transaction);

        var patients = (await store.SearchAsync("Patient", [])).Cast<Patient>().ToDictionary(p => p.Name[0].Family);
        Assert.Equal(one.Id, patients["ONE"].Id); // the patient the account left stays
        var moved = (Account)Assert.Single(await store.SearchAsync("Account", []));
        Assert.Equal(account.Id, moved.Id);
        Assert.Equal([$"Patient/{patients["TWO"].Id}"], moved.Subject.Select(s => s.Reference));
        var charge = (ChargeItem)Assert.Single(await store.SearchAsync("ChargeItem", []));
        Assert.Equal($"Patient/{patients["TWO"].Id}", charge.Subject.Reference);
    }

    [Theory]
    [InlineData("MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR", "MRN2", 3, "101")]
    [InlineData("MRG|||ACC1^^^GOODHEALTH&1.2.3.4&ISO^AN", "MRN2", 1, "101")]
    [InlineData("MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR||ACC1^^^GOODHEALTH&1.2.3.4&ISO^AN", "MRN1", 1, "102")]
    public async System.Threading.Tasks.Task A44_names_what_it_misses_and_refuses_a_move_to_the_same_patient(string mrg, string mrn, int field, string code)
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("DFT^P03^DFT_P03", "M1"), "EVN|P03|20240105093000+0100",
            Messages.Pid() + "|||||ACC1^^^GOODHEALTH&1.2.3.4&ISO^AN", "FT1|1|T1||20240105|20240105|CG|99213^Visit^C4|||1"), store)).Transaction);

        var error = await Assert.ThrowsAsync<MappingException>(() => mapper.MapAsync(
            Messages.Parse(Messages.Msh("ADT^A44^ADT_A43", "M2"), Messages.Pid(mrn), mrg), store));
        Assert.Equal(("MRG", field, code), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task A41_makes_the_prior_account_inactive_and_moves_its_charges()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        var pid = Messages.Pid() + "|||||ACC1^^^GOODHEALTH&1.2.3.4&ISO^AN";
        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("DFT^P03^DFT_P03", "M2"), "EVN|P03|20240105093000+0100", pid,
            "FT1|1|T1||20240105|20240105|CG|99213^Visit^C4|||1"), store)).Transaction);
        var old = (Account)Assert.Single(await store.SearchAsync("Account", []));

        await store.CommitAsync((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A41^ADT_A39", "M3"),
            Messages.Pid() + "|||||ACC2^^^GOODHEALTH&1.2.3.4&ISO^AN", "MRG|MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR||ACC1^^^GOODHEALTH&1.2.3.4&ISO^AN"), store)).Transaction);

        var accounts = (await store.SearchAsync("Account", [])).Cast<Account>().ToDictionary(a => a.Identifier[0].Value);
        Assert.Equal(Account.AccountStatus.Inactive, accounts["ACC1"].Status);
        Assert.Equal(Account.AccountStatus.Active, accounts["ACC2"].Status);
        var charge = (ChargeItem)Assert.Single(await store.SearchAsync("ChargeItem", []));
        Assert.Equal($"Account/{accounts["ACC2"].Id}", Assert.Single(charge.Account).Reference);
        Assert.Equal(old.Id, accounts["ACC1"].Id);
    }
}
