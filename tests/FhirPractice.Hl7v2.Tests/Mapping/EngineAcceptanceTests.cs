using FhirPractice.Fhir.Tests;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>The transactions the mappings produce are accepted by the real engine, and a resend changes rather than duplicates.</summary>
public class EngineAcceptanceTests
{
    private const string Folder = "hl7v2-ms-fhir-converter/messages";

    public static TheoryData<string> MappedMessages()
    {
        var data = new TheoryData<string>();
        if (Corpus.Find(Folder) is not { } folder) return data;
        foreach (var file in Directory.GetFiles(folder, "*.hl7").Order())
        {
            var message = Er7Parser.Parse(File.ReadAllBytes(file));
            if (V2ToFhirMapper.SupportedTypes.Contains($"{message.Get("MSH-9-1")}^{message.Get("MSH-9-2")}")) data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [CorpusTheory(Folder)]
    [MemberData(nameof(MappedMessages))]
    public async System.Threading.Tasks.Task Corpus_message_commits_twice_without_duplicating(string file)
    {
        await using var store = new InProcessFhirStore();
        var message = Er7Parser.Parse(File.ReadAllBytes(Path.Combine(Corpus.Find(Folder)!, file)));
        var mapper = new V2ToFhirMapper();

        await store.CommitAsync((await mapper.MapAsync(message, store)).Transaction);
        var first = await Census(store);
        await store.CommitAsync((await mapper.MapAsync(message, store)).Transaction);

        Assert.Equal(first, await Census(store));
        Assert.True(first["Patient"] >= 1);
        Assert.True(first.Where(c => c.Key is not ("Patient" or "Provenance")).Sum(c => c.Value) > 0, "the message wrote nothing beyond the patient");
        Assert.Equal(1, first["Provenance"]);
    }

    [Fact]
    public async System.Threading.Tasks.Task Same_ADT_twice_leaves_one_patient_updated_by_the_second()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A01", "MSG1", family: "EVERYMAN"), store)).Transaction);
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A08", "MSG2", family: "EVERYWOMAN"), store)).Transaction);

        var patient = Assert.Single(await store.SearchAsync("Patient", []));
        Assert.Equal("EVERYWOMAN", ((Patient)patient).Name[0].Family);
        Assert.Single(await store.SearchAsync("Encounter", []));
        Assert.Equal(2, (await store.SearchAsync("Provenance", [])).Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task Merge_moves_the_references_to_the_survivor()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A01", "M1", mrn: "OLD1", family: "OLD"), store)).Transaction);
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A01", "M2", mrn: "NEW1", family: "NEW", visit: "V2"), store)).Transaction);

        await store.CommitAsync((await mapper.MapAsync(Messages.Merge("M3", survivor: "NEW1", merged: "OLD1"), store)).Transaction);

        var patients = (await store.SearchAsync("Patient", [])).Cast<Patient>().ToList();
        var survivor = patients.Single(p => p.Identifier.Any(i => i.Value == "NEW1"));
        var merged = patients.Single(p => p.Identifier.Any(i => i.Value == "OLD1"));
        Assert.False(merged.Active);
        Assert.Equal([(Patient.LinkType.ReplacedBy, $"Patient/{survivor.Id}")], merged.Link.Select(l => (l.Type!.Value, l.Other.Reference)));
        Assert.Equal([(Patient.LinkType.Replaces, $"Patient/{merged.Id}")], survivor.Link.Select(l => (l.Type!.Value, l.Other.Reference)));
        Assert.Empty(await store.SearchAsync("Encounter", [new("subject", $"Patient/{merged.Id}")]));
        Assert.Empty(await store.SearchAsync("AllergyIntolerance", [new("patient", $"Patient/{merged.Id}")]));
        Assert.Equal(2, (await store.SearchAsync("Encounter", [new("subject", $"Patient/{survivor.Id}")])).Count);
        Assert.Equal(2, (await store.SearchAsync("AllergyIntolerance", [new("patient", $"Patient/{survivor.Id}")])).Count);

        // A later update of the survivor keeps its link: PID does not carry it.
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A08", "M4", mrn: "NEW1", family: "NEWER", visit: "V2"), store)).Transaction);
        var updated = (Patient)(await store.SearchAsync("Patient", [new("identifier", "NEW1")])).Single();
        Assert.Single(updated.Link);
    }

    [Fact]
    public async System.Threading.Tasks.Task Link_and_unlink_tie_two_records_of_one_person_with_seealso_and_untie_them_leaving_other_links()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        async Task<Patient> Read(string mrn) => (Patient)(await store.SearchAsync("Patient", [new("identifier", mrn)])).Single();
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A01", "M1", mrn: "A1", family: "ONE"), store)).Transaction);
        await store.CommitAsync((await mapper.MapAsync(Messages.Merge("M2", survivor: "A1", merged: "OLD1"), store)).Transaction);

        // A24 of a stored patient and one not yet known: both updated from their PIDs, each linked to the other.
        await store.CommitAsync((await mapper.MapAsync(Messages.Link("A24", "M3", first: "A1", second: "B2"), store)).Transaction);
        var (first, second) = (await Read("A1"), await Read("B2"));
        Assert.Equal("FIRST", first.Name[0].Family);
        Assert.Equal("SECOND", second.Name[0].Family);
        Assert.Contains((Patient.LinkType.Seealso, $"Patient/{second.Id}"), first.Link.Select(l => (l.Type!.Value, l.Other.Reference)));
        Assert.Equal([(Patient.LinkType.Seealso, $"Patient/{first.Id}")], second.Link.Select(l => (l.Type!.Value, l.Other.Reference)));
        Assert.True(second.Active ?? true);

        // Sent again: linked once.
        await store.CommitAsync((await mapper.MapAsync(Messages.Link("A24", "M4", first: "A1", second: "B2"), store)).Transaction);
        Assert.Equal(2, (await Read("A1")).Link.Count); // the merge's replaces and the seealso
        Assert.Single((await Read("B2")).Link);

        // A37 removes the two seealso links and leaves the merge's.
        await store.CommitAsync((await mapper.MapAsync(Messages.Link("A37", "M5", first: "B2", second: "A1"), store)).Transaction);
        Assert.Equal([Patient.LinkType.Replaces], (await Read("A1")).Link.Select(l => l.Type!.Value));
        Assert.Empty((await Read("B2")).Link);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_link_of_two_identifiers_of_one_stored_patient_is_refused_naming_the_second_PID()
    {
        await using var store = new InProcessFhirStore();
        var mapper = new V2ToFhirMapper();
        await store.CommitAsync((await mapper.MapAsync(Messages.Adt("A01", "M1", mrn: "A1^^^GOODHEALTH&1.2.3.4&ISO^MR~P7"), store)).Transaction);

        var error = await Assert.ThrowsAsync<MappingException>(() => mapper.MapAsync(Messages.Link("A24", "M2", first: "A1", second: "P7"), store));
        Assert.Equal(("PID", 2, 3, "102"), (error.Error.SegmentId, error.Error.SegmentSequence, error.Error.Field, error.Error.Code));
    }

    private static async Task<Dictionary<string, int>> Census(InProcessFhirStore store)
    {
        var census = new Dictionary<string, int>();
        foreach (var type in new[] { "Patient", "Encounter", "RelatedPerson", "Coverage", "Condition", "AllergyIntolerance", "Observation",
                     "DiagnosticReport", "ServiceRequest", "Specimen", "Appointment", "Slot", "Schedule", "ChargeItem", "Immunization",
                     "Practitioner", "Location", "Organization", "Provenance", "Account", "Procedure", "DocumentReference",
                     "MedicationRequest", "MedicationDispense" })
            census[type] = (await store.SearchAsync(type, [])).Count;
        return census;
    }
}
