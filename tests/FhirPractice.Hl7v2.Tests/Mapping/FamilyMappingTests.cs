using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>What each message family produces from hand-written messages, field by field where it matters.</summary>
public class FamilyMappingTests
{
    private static async Task<Bundle> Map(params string[] segments) =>
        (await new V2ToFhirMapper(new MappingOptions { PracticeTimeZone = TimeZoneInfo.Utc }).MapAsync(Messages.Parse(segments), new FakeFhirLookup())).Transaction;

    private static T One<T>(Bundle bundle) where T : Resource => Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<T>());

    [Fact]
    public async System.Threading.Tasks.Task ADT_patient_is_updated_by_its_MR_identifier_with_the_authority_as_system()
    {
        var bundle = await Map(Messages.Msh("ADT^A01", "C1"), "PID|1||X9^^^OTHER^PI~MRN1^^^GOODHEALTH&1.2.3.4&ISO^MR~77^^^LOCALNS^MR||DOE^JANE^Q^^DR||198001011230+0200|F|||1 MAIN ST^^TOWN^ST^12345^USA^H||^PRN^PH^^1^555^5551234~^NET^Internet^jane@example.org");
        var entry = bundle.Entry.Single(e => e.Resource is Patient);
        Assert.Equal(Bundle.HTTPVerb.PUT, entry.Request.Method);
        Assert.Equal("Patient?identifier=urn%3Aoid%3A1.2.3.4|MRN1", entry.Request.Url);
        var patient = (Patient)entry.Resource;
        Assert.Contains(patient.Identifier, i => i.System == "urn:fhirpractice:v2:authority:LOCALNS" && i.Value == "77");
        Assert.Equal(("DOE", "JANE Q", "DR"), (patient.Name[0].Family, string.Join(" ", patient.Name[0].Given), patient.Name[0].Prefix.Single()));
        Assert.Equal("1980-01-01", patient.BirthDate);
        Assert.Equal("1980-01-01T12:30:00+02:00", ((FhirDateTime)patient.BirthDateElement.Extension.Single().Value).Value);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Equal(("TOWN", Address.AddressUse.Home), (patient.Address[0].City, patient.Address[0].Use!.Value));
        Assert.Equal(["+1 555 5551234", "jane@example.org"], patient.Telecom.Select(t => t.Value));
        Assert.Equal(ContactPoint.ContactPointSystem.Email, patient.Telecom[1].System);
    }

    [Fact]
    public async System.Threading.Tasks.Task Identifier_without_authority_takes_the_sending_facility()
    {
        var bundle = await Map(Messages.Msh("ADT^A08", "C1"), "PID|1||12345||DOE^JOHN");
        Assert.Equal("Patient?identifier=urn%3Aoid%3A1.2.3.4|12345", bundle.Entry.Single(e => e.Resource is Patient).Request.Url);
    }

    [Fact]
    public async System.Threading.Tasks.Task Non_ADT_message_only_creates_the_patient_when_unknown()
    {
        var bundle = await Map(Messages.Msh("ORU^R01", "C1"), Messages.Pid(), "OBR|1||F1^LAB|CBC^Blood count^L");
        var entry = bundle.Entry.Single(e => e.Resource is Patient);
        Assert.Equal((Bundle.HTTPVerb.POST, "identifier=urn%3Aoid%3A1.2.3.4|MRN1"), (entry.Request.Method!.Value, entry.Request.IfNoneExist));
    }

    [Fact]
    public async System.Threading.Tasks.Task Discharge_finishes_the_encounter_with_its_end()
    {
        var bundle = await Map(Messages.Msh("ADT^A03", "C1"), "EVN|A03|20240110120000+0100", Messages.Pid(),
            "PV1|1|I|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO|||||||||||||||||||||||||20240105090000+0100|20240110113000+0100");
        var encounter = One<Encounter>(bundle);
        Assert.Equal(Encounter.EncounterStatus.Finished, encounter.Status);
        Assert.Equal(("IMP", "2024-01-05T09:00:00+01:00", "2024-01-10T11:30:00+01:00"), (encounter.Class.Code, encounter.Period.Start, encounter.Period.End));
        Assert.Equal("Encounter?identifier=urn%3Aoid%3A1.2.3.4|V1", bundle.Entry.Single(e => e.Resource is Encounter).Request.Url);
    }

    [Fact]
    public async System.Threading.Tasks.Task Time_without_offset_takes_the_offset_of_MSH_7()
    {
        var bundle = await Map(Messages.Msh("ADT^A04", "C1"), Messages.Pid(), "PV1|1|O|||||||||||||||||V7|||||||||||||||||||||||||202401050900");
        Assert.Equal("2024-01-05T09:00:00+01:00", One<Encounter>(bundle).Period.Start);
    }

    [Fact]
    public async System.Threading.Tasks.Task ADT_maps_next_of_kin_insurance_diagnosis_and_allergy()
    {
        var bundle = await Map(Messages.Msh("ADT^A01", "C1"), Messages.Pid(),
            "NK1|1|DOE^MARY|SPO^Spouse^HL70063|2 ELM ST^^TOWN|^PRN^PH^^^555^1112222",
            "DG1|1||I10^Hypertension^I10|||A",
            "AL1|1|DA|70618^Penicillin^RXNORM|SV|Hives",
            "IN1|1|PLAN1^Gold plan|INS1^^^INSAUTH|ACME Insurance||||GRP7||||20240101|20241231|||||||||||||||||||||||POL123");
        var person = One<RelatedPerson>(bundle);
        Assert.Equal(["SPS", "SPO"], person.Relationship[0].Coding.Select(c => c.Code));
        Assert.Equal("http://hl7.org/fhir/sid/icd-10", One<Condition>(bundle).Code.Coding[0].System);
        var allergy = One<AllergyIntolerance>(bundle);
        Assert.Equal((AllergyIntolerance.AllergyIntoleranceCategory.Medication, AllergyIntolerance.AllergyIntoleranceCriticality.High),
            (allergy.Category.Single()!.Value, allergy.Criticality!.Value));
        var coverage = One<Coverage>(bundle);
        Assert.Equal(("POL123", "GRP7"), (coverage.SubscriberId, coverage.Class[0].Value));
        Assert.Equal("ACME Insurance", One<Organization>(bundle).Name);
    }

    [Fact]
    public async System.Threading.Tasks.Task Observation_value_follows_the_value_type()
    {
        var bundle = await Map(Messages.Msh("ORU^R01", "C1"), Messages.Pid(),
            "OBR|1|P1^EHR|F1^LAB|CBC^Blood count^L|||20240105080000+0100||||||||BLD&Blood|||||||20240105100000+0100||HM|F",
            "OBX|1|NM|GLU^Glucose^LN||5.5|mmol/L^millimole per liter^UCUM|3.9-6.1|N|||F",
            "OBX|2|ST|NOTE^Note^L||first~second||||||F",
            "OBX|3|CWE|ABO^Blood group^L||A^Group A^L||||||C",
            "OBX|4|SN|TITER^Titer^L||^1^:^128||||||F",
            "OBX|5|SN|PLT^Platelets^L||<^10|10*3/uL^^UCUM|||||F",
            "OBX|6|SN|RNG^Range^L||^2^-^4||||||P",
            "OBX|7|DTM|ONSET^Onset^L||20240101123000+0100||||||F",
            "OBX|8|NA|ECG^Trace^L||1^2.5^3||||||F",
            "NTE|1||checked twice");
        var values = bundle.Entry.Select(e => e.Resource).OfType<Observation>().OrderBy(o => o.Code.Coding[0].Code).ToDictionary(o => o.Code.Coding[0].Code);
        var glucose = (Quantity)values["GLU"].Value;
        Assert.Equal((5.5m, "http://unitsofmeasure.org", "mmol/L"), (glucose.Value!.Value, glucose.System, glucose.Code));
        Assert.Equal("first\nsecond", ((FhirString)values["NOTE"].Value).Value);
        Assert.Equal(("A", ObservationStatus.Corrected), (((CodeableConcept)values["ABO"].Value).Coding[0].Code, values["ABO"].Status!.Value));
        Assert.Equal((1m, 128m), (((Ratio)values["TITER"].Value).Numerator.Value!.Value, ((Ratio)values["TITER"].Value).Denominator.Value!.Value));
        Assert.Equal(Quantity.QuantityComparator.LessThan, ((Quantity)values["PLT"].Value).Comparator);
        Assert.Equal((2m, 4m), (((Hl7.Fhir.Model.Range)values["RNG"].Value).Low.Value!.Value, ((Hl7.Fhir.Model.Range)values["RNG"].Value).High.Value!.Value));
        Assert.Equal("2024-01-01T12:30:00+01:00", ((FhirDateTime)values["ONSET"].Value).Value);
        Assert.Equal("1 2.5 3", ((SampledData)values["ECG"].Value).Data);
        Assert.Equal("checked twice", values["ECG"].Note.Single().Text);
        Assert.Equal("2024-01-05T08:00:00+01:00", ((FhirDateTime)values["GLU"].Effective).Value); // no OBX-14: OBR-7

        var report = One<DiagnosticReport>(bundle);
        Assert.Equal((DiagnosticReport.DiagnosticReportStatus.Final, 8), (report.Status!.Value, report.Result.Count));
        Assert.Equal("Blood", One<Specimen>(bundle).Type.Coding[0].Display);
        Assert.Equal(["P1"], One<ServiceRequest>(bundle).Identifier.Where(i => i.Type.Coding[0].Code == "PLAC").Select(i => i.Value));
    }

    private const string Pd1 = "PD1|||GOOD CLINIC^^CL1|88^HIPPO^HAROLD^H^^DR^MD^^GOODHEALTH&1.2.3.4&ISO||D^Deaf^HL70295||||||||METHODIST CHURCH";

    [Fact]
    public async System.Threading.Tasks.Task PD1_names_the_primary_care_facility_and_provider_the_handicap_and_the_place_of_worship()
    {
        var bundle = await Map(Messages.Msh("ADT^A08", "C1"), Messages.Pid(), Pd1);
        var patient = One<Patient>(bundle);
        Assert.Equal(["GOOD CLINIC", "DR HAROLD H HIPPO"], patient.GeneralPractitioner.Select(r => r.Display));
        Assert.Equal("MD", One<Practitioner>(bundle).Qualification.Single().Code.Coding.Single().Code);
        var facility = One<Organization>(bundle);
        Assert.Equal(("GOOD CLINIC", "CL1"), (facility.Name, facility.Identifier.Single().Value));
        var provider = One<Practitioner>(bundle);
        Assert.Equal(("urn:oid:1.2.3.4", "88"), (provider.Identifier.Single().System, provider.Identifier.Single().Value));
        // Each reference points at the entry that writes its resource.
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Organization).FullUrl, patient.GeneralPractitioner[0].Reference);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Practitioner).FullUrl, patient.GeneralPractitioner[1].Reference);
        Assert.Equal(("http://terminology.hl7.org/CodeSystem/v2-0295", "D"),
            patient.GetExtensionValue<CodeableConcept>("http://hl7.org/fhir/StructureDefinition/patient-disability").Coding.Select(c => (c.System, c.Code)).Single());
        Assert.Equal("METHODIST CHURCH", patient.GetStringExtension("http://hl7.org/fhir/StructureDefinition/patient-congregation"));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_primary_care_ROL_after_the_PID_is_a_PractitionerRole_the_patient_has_as_general_practitioner()
    {
        var bundle = await Map(Messages.Msh("ADT^A01", "C1"), Messages.Pid(),
            "ROL|R1^EHR|AD|PP^Primary Care Provider^HL70443|12377H87^SMITH^JOHN^^^DR|20220101000000+0000|20230101000000+0000||||||^^Internet^smith@example.org||GOOD HEALTH CLINIC^^CL2",
            "ROL|R2^EHR|AD|FHCP^Family Health Care Professional^HL70443|555^OTHER^OLGA",
            "PV1|1|I|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO", "ROL|R3^EHR|AD|PP^Primary Care Provider^HL70443|777^VISIT^VERA");
        var patient = One<Patient>(bundle);
        var roleEntry = bundle.Entry.Single(e => e.Resource is PractitionerRole r && r.Identifier.Single().Value == "R1");
        var role = (PractitionerRole)roleEntry.Resource;
        Assert.Equal(roleEntry.FullUrl, patient.GeneralPractitioner.Single().Reference);
        Assert.Equal(("R1", "PP", "DR JOHN SMITH"), (role.Identifier.Single().Value, role.Code.Single().Coding.Single().Code, role.Practitioner.Display));
        Assert.Equal(("2022-01-01T00:00:00+00:00", "2023-01-01T00:00:00+00:00"), (role.Period.Start, role.Period.End));
        Assert.Equal("smith@example.org", role.Telecom.Single().Value);
        Assert.Equal("GOOD HEALTH CLINIC", role.Organization.Display);
        // The family professional is not the primary care provider, and the ROL after the PV1 is the visit's.
        Assert.Equal(["12377H87", "777"], bundle.Entry.Select(e => e.Resource).OfType<Practitioner>().Select(p => p.Identifier.Single().Value));
        var visitRole = bundle.Entry.Single(e => e.Resource is PractitionerRole r && r.Identifier.Single().Value == "R3");
        var participant = One<Encounter>(bundle).Participant.Single(p => p.Individual.Reference == visitRole.FullUrl);
        Assert.Equal(("PP", "VERA VISIT"), (participant.Type.Single().Coding.Single().Code, participant.Individual.Display));
    }

    [Fact]
    public async System.Threading.Tasks.Task PV2_adds_the_reason_plan_length_description_referrer_priority_and_arrival_to_the_visit()
    {
        var bundle = await Map(Messages.Msh("ADT^A05", "C1"), Messages.Pid(), "PV1|1|P|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO",
            "PV2|W2^202^B||CP^Chest pain^L|||||20240110080000+0100|20240112120000+0100||3|Cardiac <work-up>|77^REFERRER^RITA||||||||||||R^Routine^HL70217|||||||||||||A^Ambulance^HL70430");
        var encounter = One<Encounter>(bundle);
        Assert.Equal("CP", encounter.ReasonCode.Single().Coding.Single().Code);
        Assert.Equal("2024-01-10T08:00:00+01:00", encounter.GetExtensionValue<FhirDateTime>("http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.plannedStartDate").Value);
        Assert.Equal("2024-01-12T12:00:00+01:00", encounter.GetExtensionValue<FhirDateTime>("http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.plannedEndDate").Value);
        Assert.Null(encounter.Period); // a plan is not the visit's period
        Assert.Equal((3m, "d"), (encounter.Length.Value!.Value, encounter.Length.Code));
        Assert.Contains("Cardiac &lt;work-up&gt;", encounter.Text.Div);
        Assert.Contains(encounter.Participant, p => p.Type.Single().Coding.Single().Code == "REF" && p.Individual.Display == "RITA REFERRER");
        Assert.Equal("R", encounter.Priority.Coding.Single().Code);
        Assert.Equal("A", encounter.GetExtensionValue<Coding>("http://hl7.org/fhir/StructureDefinition/encounter-modeOfArrival").Code);
        Assert.Contains(encounter.Location, l => l.Status == Encounter.EncounterLocationStatus.Planned);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_visits_ROLs_are_participants_of_its_Encounter_and_a_procedures_are_not()
    {
        var bundle = await Map(Messages.Msh("ADT^A01", "C1"), Messages.Pid(), "PV1|1|I|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO",
            "PV2|||^Chest pain", "ROL|R5^EHR|AD|AT^Attending^HL70443|901^NURSE^NINA|20240105090000+0100",
            "PR1|1||1234^Appendectomy^C4||20240105100000+0100", "ROL|R6^EHR|AD|SURG^Surgeon^HL70443|902^CUTTER^CARL");
        var encounter = One<Encounter>(bundle);
        var roles = bundle.Entry.Where(e => e.Resource is PractitionerRole).ToList();
        var nurse = Assert.Single(roles);
        var participant = encounter.Participant.Single(p => p.Individual.Reference == nurse.FullUrl);
        Assert.Equal(("AT", "2024-01-05T09:00:00+01:00"), (participant.Type.Single().Coding.Single().Code, participant.Period.Start));
        Assert.Equal("R5", ((PractitionerRole)nurse.Resource).Identifier.Single().Value);
    }

    [Fact]
    public async System.Threading.Tasks.Task An_ADT_update_without_PD1_keeps_what_the_stored_PD1_said_and_one_with_PD1_or_a_primary_care_ROL_replaces_it()
    {
        var stored = (Patient)(await Map(Messages.Msh("ADT^A08", "C1"), Messages.Pid(), Pd1)).Entry.Single(e => e.Resource is Patient).Resource;
        stored.GeneralPractitioner = [new ResourceReference("Practitioner/gp1")];
        var lookup = new FakeFhirLookup { Resources = { stored } };
        var mapper = new V2ToFhirMapper(new MappingOptions { PracticeTimeZone = TimeZoneInfo.Utc });

        var without = One<Patient>((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A08", "C2"), Messages.Pid()), lookup)).Transaction);
        Assert.Equal(["Practitioner/gp1"], without.GeneralPractitioner.Select(r => r.Reference));
        Assert.NotNull(without.GetExtension("http://hl7.org/fhir/StructureDefinition/patient-disability"));
        Assert.Equal("METHODIST CHURCH", without.GetStringExtension("http://hl7.org/fhir/StructureDefinition/patient-congregation"));

        // A primary-care ROL without a PD1 names the general practitioners anew; the PD1 extensions stay.
        var byRole = One<Patient>((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A08", "C4"), Messages.Pid(),
            "ROL|R1^EHR|AD|PP^Primary Care Provider^HL70443|12377H87^SMITH^JOHN"), lookup)).Transaction);
        Assert.Equal(["JOHN SMITH"], byRole.GeneralPractitioner.Select(r => r.Display));
        Assert.Equal("METHODIST CHURCH", byRole.GetStringExtension("http://hl7.org/fhir/StructureDefinition/patient-congregation"));

        var with = One<Patient>((await mapper.MapAsync(Messages.Parse(Messages.Msh("ADT^A08", "C3"), Messages.Pid(), "PD1||||77^NEWDOC^NORA"), lookup)).Transaction);
        Assert.Equal(["NORA NEWDOC"], with.GeneralPractitioner.Select(r => r.Display));
        Assert.Null(with.GetExtension("http://hl7.org/fhir/StructureDefinition/patient-disability"));
        Assert.Null(with.GetExtension("http://hl7.org/fhir/StructureDefinition/patient-congregation"));
    }

    [Fact]
    public async System.Threading.Tasks.Task An_ADTs_OBX_is_an_Observation_of_the_patient_and_visit_rewritten_by_an_update()
    {
        string[] message = [Messages.Msh("ADT^A01", "C1"), Messages.Pid(), "PV1|1|I|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO",
            "OBX|1|NM|29463-7^Body weight^LN||72.5|kg^kilogram^UCUM|||||F|||20240105090000+0100", "NTE|1||Weighed at admission"];
        var bundle = await Map(message);
        var observation = One<Observation>(bundle);
        Assert.Equal(("29463-7", 72.5m, "kg"), (observation.Code.Coding[0].Code, ((Quantity)observation.Value).Value, ((Quantity)observation.Value).Code));
        Assert.Equal((ObservationStatus.Final, "2024-01-05T09:00:00+01:00"), (observation.Status!.Value, ((FhirDateTime)observation.Effective).Value));
        Assert.Equal("Weighed at admission", observation.Note.Single().Text);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Patient).FullUrl, observation.Subject.Reference);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Encounter).FullUrl, observation.Encounter.Reference);

        message[0] = Messages.Msh("ADT^A08", "C2");
        message[3] = "OBX|1|NM|29463-7^Body weight^LN||73|kg^kilogram^UCUM|||||C|||20240105090000+0100";
        var update = await Map(message);
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Observation).Request.Url, update.Entry.Single(e => e.Resource is Observation).Request.Url);
    }

    [Fact]
    public async System.Threading.Tasks.Task An_SIUs_patient_OBX_is_an_Observation_and_its_DG1_a_Condition_the_appointment_is_for()
    {
        var bundle = await Map(Messages.Msh("SIU^S12", "S1"), "SCH||APT-9^SCHED|||||^Follow-up^HL70276|||30|min|^^^202401150900+0100", Messages.Pid(),
            "OBX|1|NM|29463-7^Body weight^LN||72|kg^kg^UCUM|||||F", "NTE|1||Weighed at check-in",
            "DG1|1||K51.90^Ulcerative colitis^I10|||A");
        var appointment = bundle.Entry.Single(e => e.Resource is Appointment);
        var condition = bundle.Entry.Single(e => e.Resource is Condition);
        Assert.Equal([condition.FullUrl], ((Appointment)appointment.Resource).ReasonReference.Select(r => r.Reference));
        Assert.Equal("K51.90", ((Condition)condition.Resource).Code.Coding[0].Code);
        var weight = One<Observation>(bundle);
        Assert.Equal((72m, "Weighed at check-in"), (((Quantity)weight.Value).Value!.Value, weight.Note.Single().Text));
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Patient).FullUrl, weight.Subject.Reference);
    }

    [Fact]
    public async System.Threading.Tasks.Task Observation_ids_are_stable_per_filler_order_and_set_id()
    {
        string[] message = [Messages.Msh("ORU^R01", "C1"), Messages.Pid(), "OBR|1||F1^LAB|CBC^Blood count^L", "OBX|1|NM|GLU^Glucose^LN||5.5||||||P"];
        var first = (await Map(message)).Entry.Single(e => e.Resource is Observation).Request.Url;
        message[3] = "OBX|1|NM|GLU^Glucose^LN||5.7||||||C";
        message[0] = Messages.Msh("ORU^R01", "C2");
        var correction = (await Map(message)).Entry.Single(e => e.Resource is Observation).Request.Url;
        Assert.Equal(first, correction);
        Assert.StartsWith("Observation/v2-", first);
    }

    [Theory]
    [InlineData("S12", "Booked", Appointment.AppointmentStatus.Booked, Slot.SlotStatus.Busy)]
    [InlineData("S13", "", Appointment.AppointmentStatus.Booked, Slot.SlotStatus.Busy)]
    [InlineData("S14", "Pending", Appointment.AppointmentStatus.Pending, Slot.SlotStatus.Busy)]
    [InlineData("S15", "Booked", Appointment.AppointmentStatus.Cancelled, Slot.SlotStatus.Free)]
    [InlineData("S26", "Booked", Appointment.AppointmentStatus.Noshow, Slot.SlotStatus.Free)]
    public async System.Threading.Tasks.Task Appointment_status_follows_the_trigger_and_SCH_25(string trigger, string fillerStatus, Appointment.AppointmentStatus status, Slot.SlotStatus slotStatus)
    {
        var bundle = await Map(Messages.Msh($"SIU^{trigger}", "C1"),
            $"SCH|PL1^EHR|FL1^CLINIC|||||ROUTINE^Routine^HL70276|FOLLOWUP|30|min|^^^20240105090000+0100||||||||||||||{fillerStatus}",
            Messages.Pid(), "RGS|1", "AIL|1||ROOM1^^^CLINIC", "AIP|1||D1^DOC^DAN|ATND");
        var appointment = One<Appointment>(bundle);
        Assert.Equal(status, appointment.Status);
        Assert.Equal(("2024-01-05T09:00:00+01:00", "2024-01-05T09:30:00+01:00"), (Iso(appointment.Start), Iso(appointment.End)));
        Assert.Equal("Appointment?identifier=urn%3Afhirpractice%3Av2%3Aauthority%3ACLINIC|FL1", bundle.Entry.Single(e => e.Resource is Appointment).Request.Url);
        Assert.Equal(slotStatus, One<Slot>(bundle).Status);
        Assert.Equal(3, appointment.Participant.Count); // patient, room, doctor
        Assert.NotNull(One<Schedule>(bundle).Actor.Single().Reference);
    }

    [Fact]
    public async System.Threading.Tasks.Task Vaccination_and_charges()
    {
        var vaccination = await Map(Messages.Msh("VXU^V04", "C1"), Messages.Pid(),
            "ORC|RE||F77^IZ", "RXA|0|1|20240105||08^HepB^CVX|0.5|mL^mL^UCUM||00^New^NIP001||||||LOT1|20250101|MSD^Merck^MVX|||CP|A", "RXR|C28161^IM^NCIT|LD^Left deltoid^HL70163");
        var immunization = One<Immunization>(vaccination);
        Assert.Equal(("08", "2024-01-05", "LOT1", 0.5m, true), (immunization.VaccineCode.Coding[0].Code, ((FhirDateTime)immunization.Occurrence).Value,
            immunization.LotNumber, immunization.DoseQuantity.Value!.Value, immunization.PrimarySource!.Value));
        Assert.Equal("Immunization?identifier=urn%3Afhirpractice%3Av2%3Aauthority%3AIZ|F77", vaccination.Entry.Single(e => e.Resource is Immunization).Request.Url);

        var charges = await Map(Messages.Msh("DFT^P03", "C2"), Messages.Pid(), "FT1|1|T100||20240105||CG|99213^Office visit^C4|||1|75.00&USD");
        var charge = One<ChargeItem>(charges);
        Assert.Equal(("99213", 75.00m, Money.Currencies.USD), (charge.Code.Coding[0].Code, charge.PriceOverride.Value!.Value, charge.PriceOverride.Currency!.Value));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_charges_procedure_code_leads_its_code_and_its_modifiers_are_the_billing_modules()
    {
        // FT1-7 the sender's charge-master code, FT1-25 the CPT a claim bills, FT1-26 its modifiers.
        var charge = One<ChargeItem>(await Map(Messages.Msh("DFT^P03", "C3"), Messages.Pid(),
            "FT1|1|T101||20240105||CG|CDM-4410^Office visit, established^99CDM|||1|||||||||||||||99214^Office visit est 25 min^C4|25~59"));
        Assert.Equal([("http://www.ama-assn.org/go/cpt", "99214"), ("urn:fhirpractice:v2:codesystem:99CDM", "CDM-4410")],
            charge.Code.Coding.Select(c => (c.System, c.Code)));
        Assert.Equal(["25", "59"], charge.GetExtensions("urn:fhirpractice:billing:charge-modifier").Select(e => ((Code)e.Value).Value));

        // The same code in both fields is one coding.
        var same = One<ChargeItem>(await Map(Messages.Msh("DFT^P03", "C4"), Messages.Pid(),
            "FT1|1|T102||20240105||CG|71045^Xray exam chest 1 view^C4|||1|||||||||||||||71045^Xray exam chest 1 view^C4|26"));
        Assert.Equal(["71045"], same.Code.Coding.Select(c => c.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task An_orders_TQ1_gives_its_priority_period_count_and_instruction()
    {
        var request = One<ServiceRequest>(await Map(Messages.Msh("ORM^O01", "O1"), Messages.Pid(),
            "ORC|NW|PL-7^EHR||||||^^^^^R|||||1234^WELBY^MARCUS",
            "TQ1|1||||||202401150800+0100|202401310800+0100|S^Stat^HL70485||Fasting, before 9 am|||3",
            "OBR|1|PL-7^EHR||2345-7^Glucose^LN"));
        // TQ1-9 (v2.5+) wins over the ORC-7 priority of older versions.
        Assert.Equal(RequestPriority.Stat, request.Priority);
        var timing = Assert.IsType<Timing>(request.Occurrence);
        Assert.Equal(("2024-01-15T08:00:00+01:00", "2024-01-31T08:00:00+01:00", 3),
            (((Period)timing.Repeat.Bounds).Start, ((Period)timing.Repeat.Bounds).End, timing.Repeat.CountMax!.Value));
        Assert.Equal("Fasting, before 9 am", request.Note.Single().Text);

        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ORM^O01", "O2"), Messages.Pid(),
            "ORC|NW|PL-8^EHR", "TQ1|1||||||202401150800+0100||R|||||many", "OBR|1|PL-8^EHR||2345-7^Glucose^LN"));
        Assert.Equal(("TQ1", 14, "102"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_practice_can_read_a_coding_system_name_its_own_way()
    {
        string[] message = [Messages.Msh("ADT^A08", "CS1"), Messages.Pid(), "DG1|1||E11.9^Type 2 diabetes^I10|||A"];
        Assert.Equal("http://hl7.org/fhir/sid/icd-10", One<Condition>(await Map(message)).Code.Coding[0].System);

        var mapper = new V2ToFhirMapper(new MappingOptions
        {
            PracticeTimeZone = TimeZoneInfo.Utc,
            CodingSystems = new Dictionary<string, string> { ["I10"] = "http://hl7.org/fhir/sid/icd-10-cm" },
        });
        var bundle = (await mapper.MapAsync(Messages.Parse(message), new FakeFhirLookup())).Transaction;
        Assert.Equal("http://hl7.org/fhir/sid/icd-10-cm", One<Condition>(bundle).Code.Coding[0].System);
        Assert.Equal("http://terminology.hl7.org/CodeSystem/v2-0203", One<Patient>(bundle).Identifier[0].Type.Coding[0].System);

        var bad = Assert.Throws<InvalidOperationException>(() => new V2ToFhirMapper(new MappingOptions { CodingSystems = new Dictionary<string, string> { ["I10"] = "icd10cm" } }));
        Assert.Equal("Hl7v2:CodingSystems:I10: 'icd10cm' is not an absolute URI", bad.Message);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_PD1_living_will_is_the_patients_advance_directive_observation()
    {
        var bundle = await Map(Messages.Msh("ADT^A08", "LW1"), Messages.Pid(), "PD1|||||||Y^Yes, patient has a living will^HL70315");
        var observation = One<Observation>(bundle);
        Assert.Equal(("75320-2", "Y", "http://terminology.hl7.org/CodeSystem/v2-0315", ObservationStatus.Final),
            (observation.Code.Coding[0].Code, ((CodeableConcept)observation.Value).Coding[0].Code, ((CodeableConcept)observation.Value).Coding[0].System, observation.Status!.Value));
        Assert.Equal(bundle.Entry.Single(e => e.Resource is Patient).FullUrl, observation.Subject.Reference);
        // One per patient: the next message's rewrites it.
        var again = One<Observation>(await Map(Messages.Msh("ADT^A08", "LW2"), Messages.Pid(), "PD1|||||||N^No^HL70315"));
        Assert.Equal(observation.Id, again.Id);
    }

    [Theory]
    [InlineData("SIU^S12", "SCH||APT-1^SCHED|||||||99999999999999999999|min|^^^202401150900+0100", "SCH", 9)]
    [InlineData("SIU^S12", "SCH||APT-2^SCHED|||||||-30|min|^^^202401150900+0100", "SCH", 9)]
    [InlineData("ADT^A08", "PR1|1||44950^Appendectomy^C4||202401150900+0100||99999999999999999999", "PR1", 7)]
    public async System.Threading.Tasks.Task A_duration_past_a_year_or_below_zero_is_refused_naming_its_field(string type, string segment, string id, int field)
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh(type, "D1"), segment.StartsWith("SCH") ? segment : Messages.Pid(),
            segment.StartsWith("SCH") ? Messages.Pid() : segment));
        Assert.Equal((id, field, "102"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async System.Threading.Tasks.Task Provenance_names_the_message_the_sender_and_everything_written()
    {
        var bundle = await Map(Messages.Adt("A01", "MSG42").Encode().Split('\r', StringSplitOptions.RemoveEmptyEntries));
        var provenance = One<Provenance>(bundle);
        Assert.Equal("MSG42", provenance.Entity.Single().What.Identifier.Value);
        Assert.Equal("urn:oid:1.2.3.4", provenance.Agent[0].Who.Identifier.Value);
        Assert.Equal(new DateTimeOffset(2024, 1, 5, 9, 30, 0, TimeSpan.FromHours(1)), provenance.Recorded);
        Assert.Equal(bundle.Entry.Where(e => e.Resource is not Provenance).Select(e => e.FullUrl).Order(), provenance.Target.Select(t => t.Reference).Order());
    }

    private static string? Iso(DateTimeOffset? value) => value?.ToString("yyyy-MM-ddTHH:mm:sszzz");
}
