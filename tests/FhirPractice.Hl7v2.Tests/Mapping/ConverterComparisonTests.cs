using System.Globalization;
using System.Text.Json;
using FhirPractice.Fhir.Tests;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>
/// For the message types both cover, our transaction means what Microsoft's FHIR-Converter bundle in
/// <c>expected-fhir/</c> means: its ids are hashes and its mapping is not normative, so resources are
/// compared by meaning — counts of the types the message family is meant to produce, identifiers, names,
/// codes, values and times (as instants: the converter rewrites every offset to its own zone).
/// <para>Deliberate differences, each for a reason:</para>
/// <list type="bullet">
/// <item>Only the resources the issue asks of a family are compared. The converter maps every segment it
/// meets (PR1, ROL… in an ADT, and Observations of PD1 and other segments beside those of its OBXs; NK1, DG1, AL1, GT1 in an ORM or SIU); we map ADT to Patient, Encounter,
/// RelatedPerson (of NK1, GT1 guarantors and IN1 insureds; the converter also makes nameless ones, so named ones
/// are compared), Account (PID-18, with its GT1 guarantors), Coverage, Condition (DG1 only: it also maps PR1/PDA)
/// and AllergyIntolerance; ORU to results; SIU to the Appointment; and so on.</item>
/// <item>ORM: we make a ServiceRequest of every ORC, the converter only of ORC+OBR; an ORC with RXO/ODS/RQD
/// is still an order (of a drug, diet or supply).</item>
/// <item>A31: its PV1 is the required placeholder of a person update (no visit number, no admit time):
/// we make no Encounter of it, the converter does.</item>
/// <item>General practitioners: the converter also makes a Practitioner of a PD1-4 that holds only an identifier
/// type (no id, no name); we refer to no one there, so those are not counted.</item>
/// <item>Patient names: the converter adds the names of other segments (IN2, GT1) to the Patient; we take
/// PID-5 and PID-9, so ours are a subset of its. Likewise our identifiers of the Patient and the Encounter.</item>
/// <item>BAR: one Account per account number, one Encounter per visit number and one Condition per diagnosis of a
/// visit, even where the message repeats them (BAR-P02 sends two patients with the same account and visit number;
/// the converter makes one of each per segment). The converter's Conditions without a code (not from DG1) are
/// left out of the code comparison.</item>
/// <item>MDM: the DocumentReference date is TXA-6 as the IG maps it; the converter leaves it empty. Compared when it has one.</item>
/// <item>OML/OMG: one ServiceRequest per order number (an ORC with two OBRs, or prior-result groups repeating an
/// order's number, are one order); the converter makes one per OBR, and none at all for an OBR without ORC
/// (MDHHS-OML-O21-1). So ours are at most the OBRs and our ordered codes include its.</item>
/// <item>DFT: a charge's code leads with the procedure FT1-25 (what a claim bills), then the transaction code FT1-7,
/// which is what the converter takes: its code is compared as one of ours.</item>
/// <item>OUL: OBXs of type RP/ED (slide images, attachments) are Observations with the reference as text for us;
/// the converter leaves them out, so our observation codes include its.</item>
/// <item>RDE/RDS: one MedicationRequest per ORC (the RXE encodes the RXO's order; the converter makes one of each)
/// and a MedicationDispense per RXD only — the converter also makes one of an RDE, which orders and dispenses
/// nothing. Our prescribed drugs are among its.</item>
/// <item>Encounter start: we take PV1-44 (the admission) only; the converter prefers PV2-8, the expected admit
/// time, which the IG maps to an extension (a plan, not a start). Compared when PV2-8 is empty.</item>
/// <item>A60: the converter's bundles hold an insured (Doe, a spouse) that the message does not carry, so our
/// RelatedPersons are only checked to be among its.</item>
/// <item>A41 and A47 (account merge, identifier change): the converter makes a Linkage of the two identifiers and
/// no Patient; we rewrite the stored patient in place (or create it), so only our Patient count is checked.</item>
/// <item>Encounter end: we set it from PV1-45 (or the A03 event) only; the converter also takes the expected
/// discharge of PV2-9, which is a plan, not an end. Compared when we set one.</item>
/// <item>ORU-R01-01 carries an OBX and an ORC outside any OBR group (a v2.8 patient observation and a bare
/// order); the converter makes DiagnosticReports of them, we map the order groups only, so its reports,
/// orders and observations are not compared.</item>
/// <item>Observation time: without OBX-14 we take the order's OBR-7 (when the specimen was taken), the
/// converter leaves it empty; compared where it has one.</item>
/// <item>Specimens: the converter makes one of OBR-15 and one of SPM where both are there; we take SPM
/// and fall back on OBR-15, so ours are at most as many.</item>
/// </list>
/// </summary>
public class ConverterComparisonTests
{
    private const string Messages = "hl7v2-ms-fhir-converter/messages";
    private const string Expected = "hl7v2-ms-fhir-converter/expected-fhir";

    public static TheoryData<string> Pairs()
    {
        var data = new TheoryData<string>();
        if (Corpus.Find(Expected) is not { } folder || Corpus.Find(Messages) is null) return data;
        foreach (var file in Directory.GetFiles(folder, "*-expected.json", SearchOption.AllDirectories).Order())
        {
            var name = Path.GetFileName(file)[..^"-expected.json".Length];
            var message = Path.Combine(Corpus.Find(Messages)!, name + ".hl7");
            if (!File.Exists(message)) continue;
            var parsed = Er7Parser.Parse(File.ReadAllBytes(message));
            if (V2ToFhirMapper.SupportedTypes.Contains($"{parsed.Get("MSH-9-1")}^{parsed.Get("MSH-9-2")}"))
                data.Add(Path.GetRelativePath(folder, file));
        }
        return data;
    }

    [CorpusFact(Expected)]
    public void Every_message_type_we_map_has_expected_bundles() => Assert.True(Pairs().Count >= 45, $"{Pairs().Count} pairs");

    [CorpusTheory(Expected)]
    [MemberData(nameof(Pairs))]
    public async System.Threading.Tasks.Task Resources_match_the_converter_in_meaning(string expectedFile)
    {
        var name = Path.GetFileName(expectedFile)[..^"-expected.json".Length];
        var message = Er7Parser.Parse(File.ReadAllBytes(Path.Combine(Corpus.Find(Messages)!, name + ".hl7")));
        var transaction = (await new V2ToFhirMapper().MapAsync(message, new FakeFhirLookup())).Transaction;
        var ours = transaction.Entry.Select(e => e.Resource!).ToList();
        // Our entries refer to each other by urn:uuid fullUrls, the converter's by Type/id.
        var typeOf = transaction.Entry.ToDictionary(e => e.FullUrl, e => e.Resource!.TypeName);
        string? OurType(ResourceReference? r) => r?.Reference is { } url ? typeOf.GetValueOrDefault(url) : null;
        var theirs = ReadExpected(Path.Combine(Corpus.Find(Expected)!, expectedFile));
        var family = message.Get("MSH-9-1");
        var trigger = message.Get("MSH-9-2");
        var problems = new List<string>();
        int Count(string segment) => message.SegmentsWithId(segment).Count();

        if (trigger != "A40") Same(problems, "Patient count = PID", Count("PID"), Of<Patient>(ours).Count);
        switch (family)
        {
            case "ADT" when trigger == "A40":
                Same(problems, "Patients (survivor and merged per PID/MRG)", 2 * Count("MRG"), Of<Patient>(ours).Count);
                break;
            case "ADT" when trigger is "A41" or "A47":
                break; // the converter links identifiers (Linkage) and writes no Patient; we rewrite the patient
            case "ADT" when trigger == "A45":
                Same(problems, "Encounter = MRG/PV1", Count("MRG"), Of<Encounter>(ours).Count);
                CompareEncounters(problems, ours, theirs, comparesStart: true);
                break;
            case "ADT":
                if (trigger != "A31") SameCount<Encounter>(problems, ours, theirs);
                SameCount<AllergyIntolerance>(problems, ours, theirs);
                SameCount<Coverage>(problems, ours, theirs);
                if (trigger == "A60") Subset(problems, "RelatedPerson names", PartyNames(ours), PartyNames(theirs));
                else Same(problems, "RelatedPerson names (NK1, GT1 and IN1 parties)", PartyNames(theirs), PartyNames(ours));
                CompareGuarantors(problems, ours, theirs, OurType);
                Same(problems, "Condition = DG1", Count("DG1"), Of<Condition>(ours).Count);
                Same(problems, "Observation = OBX", Count("OBX"), Of<Observation>(ours).Count);
                Same(problems, "general practitioners (PD1-3, PD1-4, primary-care ROLs)", NamedGeneralPractitioners(theirs), Of<Patient>(ours).Sum(p => p.GeneralPractitioner.Count));
                Subset(problems, "ADT observation codes", DistinctCodes(Of<Observation>(ours).Select(o => o.Code)), DistinctCodes(Of<Observation>(theirs).Select(o => o.Code)));
                CompareEncounters(problems, ours, theirs, comparesStart: Count("PV2") == 0 || message.Get("PV2-8") is null or "");
                break;
            case "ORU":
                Assert.InRange(Of<Specimen>(ours).Count, 0, Of<Specimen>(theirs).Count);
                if (name == "ORU-R01-01") break;
                SameCount<Observation>(problems, ours, theirs);
                SameCount<DiagnosticReport>(problems, ours, theirs);
                SameCount<ServiceRequest>(problems, ours, theirs);
                CompareObservations(problems, ours, theirs);
                Same(problems, "DiagnosticReport codes", Codes(Of<DiagnosticReport>(theirs).Select(r => r.Code)), Codes(Of<DiagnosticReport>(ours).Select(r => r.Code)));
                break;
            case "SIU":
                SameCount<Appointment>(problems, ours, theirs);
                var (a, b) = (Of<Appointment>(ours).Single(), Of<Appointment>(theirs).Single());
                Same(problems, "Appointment.status", b.Status, a.Status);
                Same(problems, "Appointment.start", b.Start, a.Start);
                Same(problems, "Appointment identifiers", Values(b.Identifier), Values(a.Identifier));
                Same(problems, "Observation = OBX (PATIENT group)", Count("OBX"), Of<Observation>(ours).Count);
                Same(problems, "Condition = DG1 (PATIENT group), the appointment's reasons", Count("DG1"), a.ReasonReference.Count);
                Subset(problems, "SIU diagnosis codes", DistinctCodes(Of<Condition>(ours).Select(c => c.Code)), DistinctCodes(Of<Condition>(theirs).Select(c => c.Code)));
                break;
            case "VXU":
                SameCount<Immunization>(problems, ours, theirs);
                Same(problems, "vaccine codes", Codes(Of<Immunization>(theirs).Select(i => i.VaccineCode)), Codes(Of<Immunization>(ours).Select(i => i.VaccineCode)));
                Same(problems, "vaccination dates", Of<Immunization>(theirs).Select(i => Instant(i.Occurrence)).Order().ToList(), Of<Immunization>(ours).Select(i => Instant(i.Occurrence)).Order().ToList());
                Same(problems, "program eligibility (OBX 64994-7)", Codes(Of<Immunization>(theirs).SelectMany(i => i.ProgramEligibility)), Codes(Of<Immunization>(ours).SelectMany(i => i.ProgramEligibility)));
                Same(problems, "funding sources (OBX 30963-3)", Codes(Of<Immunization>(theirs).Select(i => i.FundingSource)), Codes(Of<Immunization>(ours).Select(i => i.FundingSource)));
                break;
            case "BAR":
                AtMost(problems, "Encounter", Of<Encounter>(theirs).Count, Of<Encounter>(ours).Count);
                AtMost(problems, "Account per PID", Count("PID"), Of<Account>(ours).Count);
                if (Count("DG1") > 0) AtMost(problems, "Condition per DG1", Count("DG1"), Of<Condition>(ours).Count);
                SameCount<Coverage>(problems, ours, theirs);
                CompareGuarantors(problems, ours, theirs, OurType, comparesSelf: false);
                Same(problems, "Procedure = PR1", Count("PR1"), Of<Procedure>(ours).Count);
                Same(problems, "diagnosis codes", DistinctCodes(Of<Condition>(theirs).Select(c => c.Code)), DistinctCodes(Of<Condition>(ours).Select(c => c.Code)));
                CompareEncounters(problems, ours, theirs, comparesStart: Count("PV2") == 0);
                break;
            case "DFT":
                SameCount<ChargeItem>(problems, ours, theirs);
                var ourChargeCodes = Of<ChargeItem>(ours).SelectMany(c => c.Code.Coding).Select(c => c.Code).ToHashSet();
                if (Codes(Of<ChargeItem>(theirs).Select(c => c.Code)).Where(c => !ourChargeCodes.Contains(c)).ToList() is [_, ..] notCarried)
                    problems.Add($"charge codes (FT1-7) we do not carry: {string.Join(", ", notCarried)}");
                break;
            case "MDM":
                SameCount<DocumentReference>(problems, ours, theirs);
                var (doc, expectedDoc) = (Of<DocumentReference>(ours).Single(), Of<DocumentReference>(theirs).Single());
                Same(problems, "DocumentReference type", Codes([expectedDoc.Type]), Codes([doc.Type]));
                Same(problems, "DocumentReference masterIdentifier", expectedDoc.MasterIdentifier?.Value, doc.MasterIdentifier?.Value);
                Same(problems, "DocumentReference status", expectedDoc.Status, doc.Status);
                if (expectedDoc.Date is not null) Same(problems, "DocumentReference date", Instant(expectedDoc.DateElement), Instant(doc.DateElement));
                break;
            case "OML" or "OMG":
                AtMost(problems, "ServiceRequest per OBR", Count("OBR"), Of<ServiceRequest>(ours).Count);
                Subset(problems, "ordered codes", DistinctCodes(Of<ServiceRequest>(theirs).Select(r => r.Code)), DistinctCodes(Of<ServiceRequest>(ours).Select(r => r.Code)));
                break;
            case "OUL":
                Same(problems, "DiagnosticReport = OBR", Count("OBR"), Of<DiagnosticReport>(ours).Count);
                Subset(problems, "observation codes", DistinctCodes(Of<Observation>(theirs).Select(o => o.Code)), DistinctCodes(Of<Observation>(ours).Select(o => o.Code)));
                break;
            case "RDE" or "RDS":
                Same(problems, "MedicationRequest = ORC", Count("ORC"), Of<MedicationRequest>(ours).Count);
                Same(problems, "MedicationDispense = RXD", Count("RXD"), Of<MedicationDispense>(ours).Count);
                Subset(problems, "prescribed drugs", Codes(Of<MedicationRequest>(ours).Select(d => d.Medication as CodeableConcept)), Codes(Of<Medication>(theirs).Select(m => m.Code))); // its requests refer to Medication resources
                break;
            case "REF":
                var referral = Of<ServiceRequest>(ours).Single();
                Same(problems, "referral status", trigger == "I14" ? RequestStatus.Revoked : RequestStatus.Draft, referral.Status);
                Same(problems, "Condition = DG1", Count("DG1"), Of<Condition>(ours).Count);
                Subset(problems, "referral identifiers", referral.Identifier.Select(i => i.Value), Of<ServiceRequest>(theirs).SelectMany(r => r.Identifier).Select(i => i.Value));
                break;
            case "ORM":
                Same(problems, "ServiceRequest = ORC", Count("ORC"), Of<ServiceRequest>(ours).Count);
                Same(problems, "ordered codes", Codes(Of<ServiceRequest>(theirs).Select(r => r.Code).Where(c => c is not null)), Codes(Of<ServiceRequest>(ours).Select(r => r.Code).Where(c => c is not null)));
                break;
        }
        if (Of<Patient>(ours).Count == 1 && Of<Patient>(theirs).Count == 1) ComparePatients(problems, Of<Patient>(ours)[0], Of<Patient>(theirs)[0]);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static void ComparePatients(List<string> problems, Patient ours, Patient theirs)
    {
        Same(problems, "Patient.birthDate", theirs.BirthDate, ours.BirthDate);
        Same(problems, "Patient.gender", theirs.Gender, ours.Gender);
        Subset(problems, "Patient family names", ours.Name.Select(n => n.Family), theirs.Name.Select(n => n.Family));
        Subset(problems, "Patient identifiers", ours.Identifier.Select(i => i.Value), theirs.Identifier.Select(i => i.Value));
    }

    private static void CompareEncounters(List<string> problems, List<Resource> ours, List<Resource> theirs, bool comparesStart)
    {
        foreach (var (a, b) in Of<Encounter>(ours).Zip(Of<Encounter>(theirs)))
        {
            Same(problems, "Encounter.class", b.Class?.Code, a.Class?.Code);
            if (comparesStart) Same(problems, "Encounter.period.start", Instant(b.Period?.StartElement), Instant(a.Period?.StartElement));
            if (a.Period?.End is not null) Same(problems, "Encounter.period.end", Instant(b.Period?.EndElement), Instant(a.Period?.EndElement));
            Subset(problems, "Encounter identifiers", a.Identifier.Select(i => i.Value), b.Identifier.Select(i => i.Value));
        }
    }

    private static void CompareObservations(List<string> problems, List<Resource> ours, List<Resource> theirs)
    {
        var theirsByKey = Of<Observation>(theirs).ToLookup(o => Codes([o.Code]).Single());
        var oursByKey = Of<Observation>(ours).ToLookup(o => Codes([o.Code]).Single());
        foreach (var group in theirsByKey)
        {
            var mine = oursByKey[group.Key].ToList();
            var expected = group.ToList();
            if (mine.Count != expected.Count) { problems.Add($"Observation {group.Key}: {mine.Count} of ours, {expected.Count} expected"); continue; }
            for (var i = 0; i < mine.Count; i++)
            {
                Same(problems, $"Observation {group.Key} value", Value(expected[i].Value), Value(mine[i].Value));
                if (expected[i].Effective is not null) Same(problems, $"Observation {group.Key} effective", Instant(expected[i].Effective), Instant(mine[i].Effective));
                Same(problems, $"Observation {group.Key} status", expected[i].Status, mine[i].Status);
            }
        }
    }

    private static string? Value(DataType? value) => value switch
    {
        null => null,
        Quantity q => $"{q.Value?.ToString(CultureInfo.InvariantCulture)} {q.Comparator} {q.Unit ?? q.Code}",
        FhirString s => s.Value.Replace("\r", ""),
        CodeableConcept c => string.Join(",", Codes([c])),
        Hl7.Fhir.Model.Range r => $"{r.Low?.Value}-{r.High?.Value}",
        Ratio r => $"{r.Numerator?.Value}:{r.Denominator?.Value}",
        FhirDateTime d => Instant(d),
        _ => value.TypeName,
    };

    /// <summary>A time as the instant it names (UTC), or the date as written when it has no time.</summary>
    private static string? Instant(DataType? value)
    {
        var text = value switch { FhirDateTime d => d.Value, Instant i => i.Value?.ToString("o"), Period p => p.Start, _ => null };
        if (text is null) return null;
        return text.Length <= 10 ? text : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUniversalTime().ToString("o");
    }

    private static List<string> Codes(IEnumerable<CodeableConcept?> concepts) =>
        concepts.Select(c => c?.Coding.FirstOrDefault()?.Code ?? c?.Text ?? "").Order().ToList();

    /// <summary>
    /// The converter's general practitioners that name someone: it also makes a Practitioner of a PD1-4 holding only an
    /// identifier type (no id, no name), which we leave out, as a reference to no one in particular.
    /// </summary>
    private static int NamedGeneralPractitioners(List<Resource> resources)
    {
        var byReference = resources.Where(r => r.Id is not null).GroupBy(r => $"{r.TypeName}/{r.Id}").ToDictionary(g => g.Key, g => g.First());
        return Of<Patient>(resources).SelectMany(p => p.GeneralPractitioner).Count(g =>
            !byReference.TryGetValue(g.Reference ?? "", out var target) || target is not Practitioner practitioner
            || practitioner.Name.Count > 0 || practitioner.Identifier.Any(i => i.Value is not null));
    }

    /// <summary>The family names of the RelatedPersons that have one: the converter also makes nameless ones of insureds.</summary>
    private static List<string> PartyNames(List<Resource> resources) =>
        [.. Of<RelatedPerson>(resources).Select(p => p.Name.FirstOrDefault()?.Family).OfType<string>().Distinct().Order(StringComparer.Ordinal)];

    /// <summary>
    /// The guarantors of the accounts: as many as the converter's, and in ADT the patient where it is (GT1-11 SEL).
    /// Otherwise the party's type may differ: the converter makes an Organization of a GT1 whose employer (GT1-16) it
    /// reads as one, and in BAR of a GT1 that says SEL.
    /// </summary>
    private static void CompareGuarantors(List<string> problems, List<Resource> ours, List<Resource> theirs, Func<ResourceReference?, string?> ourType, bool comparesSelf = true)
    {
        static IEnumerable<Account.GuarantorComponent> Of(List<Resource> r) => r.OfType<Account>().SelectMany(a => a.Guarantor);
        Same(problems, "guarantors", Of(theirs).Count(), Of(ours).Count());
        if (comparesSelf) Same(problems, "guarantors who are the patient",
            Of(theirs).Count(g => g.Party?.Reference?.StartsWith("Patient/") == true), Of(ours).Count(g => ourType(g.Party) == "Patient"));
    }

    private static List<string> DistinctCodes(IEnumerable<CodeableConcept?> concepts) => Codes(concepts).Where(c => c != "").Distinct().ToList();

    /// <summary>Between one and <paramref name="most"/> of ours: where we make one resource of what the message names twice.</summary>
    private static void AtMost(List<string> problems, string what, int most, int ours)
    {
        if (ours < 1 || ours > most) problems.Add($"{what}: expected 1..{most}, ours {ours}");
    }

    private static List<string> Values(IEnumerable<Identifier> identifiers) => identifiers.Select(i => i.Value).Order().ToList();

    private static List<T> Of<T>(List<Resource> resources) where T : Resource => resources.OfType<T>().ToList();

    private static void SameCount<T>(List<string> problems, List<Resource> ours, List<Resource> theirs) where T : Resource =>
        Same(problems, $"{typeof(T).Name} count", Of<T>(theirs).Count, Of<T>(ours).Count);

    private static void Same<T>(List<string> problems, string what, T expected, T actual)
    {
        var equal = expected is System.Collections.IEnumerable e && actual is System.Collections.IEnumerable a && expected is not string
            ? e.Cast<object?>().SequenceEqual(a.Cast<object?>())
            : Equals(expected, actual);
        if (!equal) problems.Add($"{what}: expected {Show(expected)}, ours {Show(actual)}");
    }

    private static void Subset(List<string> problems, string what, IEnumerable<string?> ours, IEnumerable<string?> theirs)
    {
        var missing = ours.Except(theirs).ToList();
        if (missing.Count > 0) problems.Add($"{what} not in the converter's: {string.Join(", ", missing)}");
    }

    private static string Show(object? value) =>
        value is System.Collections.IEnumerable list and not string ? $"[{string.Join(", ", list.Cast<object?>())}]" : $"{value}";

    // The converter's bundles are lenient JSON (a few have properties FHIR R4 does not know): read them leniently.
    private static List<Resource> ReadExpected(string path)
    {
        var parser = new BaseFhirJsonDeserializer(ModelInfo.ModelInspector, new DeserializerSettings().UsingMode(DeserializationMode.Ostrich, NarrativeValidationKind.None));
        var reader = new Utf8JsonReader(File.ReadAllBytes(path));
        var bundle = (Bundle)parser.DeserializeResource(ref reader);
        return bundle.Entry.Select(e => e.Resource).OfType<Resource>().ToList();
    }
}
