using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2Outbound;

/// <summary>Appointment and Patient writes reach an MLLP destination as SIU and ADT (A08, A04, A28/A31/A29, A40), in order, through the persistent queue.</summary>
public sealed class OutboundTests : IAsyncLifetime
{
    private readonly TemporaryDatabase _database = new();
    private readonly TestEhr _ehr = new();
    private readonly List<RestartableServerFactory> _servers = [];

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        await _ehr.DisposeAsync();
        _database.Dispose();
    }

    private HttpClient Server(string events, string onRejected = "Skip", string patientEvents = "A08")
    {
        var server = new RestartableServerFactory(_database.Path, _ehr.Settings(events, onRejected: onRejected, patientEvents: patientEvents));
        _servers.Add(server);
        return server.Client;
    }

    private static async Task<JsonArray> QueueAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync("$hl7v2-outbound" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync())["messages"]!.AsArray();
    }

    private static async Task WaitForStatusAsync(HttpClient client, int count, string status)
    {
        for (var i = 0; (await QueueAsync(client, $"?status={status}")).Count < count; i++)
        {
            Assert.True(i < 200, $"fewer than {count} messages became {status}");
            await System.Threading.Tasks.Task.Delay(50);
        }
    }

    private static string PatientJson(string id, string mrn, string family) =>
        $$$"""{"resourceType":"Patient","id":"{{{id}}}","identifier":[{"system":"urn:oid:1.2.3.4","value":"{{{mrn}}}","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]}}],"name":[{"use":"official","family":"{{{family}}}","given":["Ada","Marie"]}],"gender":"female","birthDate":"1974-12-25","telecom":[{"system":"phone","value":"555-0100","use":"home"}],"address":[{"use":"home","line":["1 Main St"],"city":"Springfield","postalCode":"12345"}]}""";

    private static async Task PutPatientAsync(HttpClient client, string id, string mrn, string family, HttpStatusCode expected) =>
        Assert.Equal(expected, (await client.PutAsync($"Patient/{id}", FhirServerFactory.Json(PatientJson(id, mrn, family)))).StatusCode);

    private static string AppointmentJson(string id, string status, string start, string comment) =>
        $$$"""{"resourceType":"Appointment","id":"{{{id}}}","status":"{{{status}}}","start":"{{{start}}}","end":"2030-01-02T10:30:00+01:00","comment":"{{{comment}}}","serviceType":[{"coding":[{"system":"http://snomed.info/sct","code":"11429006","display":"Consultation"}]}],"participant":[{"actor":{"reference":"Patient/pat-1"},"status":"accepted"},{"actor":{"reference":"Practitioner/doc-1"},"status":"accepted"},{"actor":{"reference":"Location/room-1"},"status":"accepted"}]}""";

    [Fact]
    public async System.Threading.Tasks.Task An_appointment_created_changed_moved_and_cancelled_sends_S12_S14_S13_S15_in_order()
    {
        _ehr.Start();
        var client = Server("SIU");
        // Created in one transaction with the resources it refers to: the transaction path queues too.
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{{{PatientJson("pat-1", "MRN-1", "Lovelace")}}},"request":{"method":"PUT","url":"Patient/pat-1"}},
              {"resource":{"resourceType":"Practitioner","id":"doc-1","identifier":[{"value":"NPI-9"}],"name":[{"family":"House","given":["Greg"]}]},"request":{"method":"PUT","url":"Practitioner/doc-1"}},
              {"resource":{"resourceType":"Location","id":"room-1","name":"Room 1"},"request":{"method":"PUT","url":"Location/room-1"}},
              {"resource":{{{AppointmentJson("appt-1", "booked", "2030-01-02T10:00:00+01:00", "first")}}},"request":{"method":"PUT","url":"Appointment/appt-1"}}
            ]}
            """;
        var created = await client.PostAsync("", FhirServerFactory.Json(bundle));
        Assert.True(created.StatusCode == HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("Appointment/appt-1", FhirServerFactory.Json(AppointmentJson("appt-1", "booked", "2030-01-02T10:00:00+01:00", "second")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("Appointment/appt-1", FhirServerFactory.Json(AppointmentJson("appt-1", "booked", "2030-01-02T09:00:00+01:00", "second")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("Appointment/appt-1", FhirServerFactory.Json(AppointmentJson("appt-1", "cancelled", "2030-01-02T09:00:00+01:00", "second")))).StatusCode);

        var received = await _ehr.WaitForAsync(4);
        Assert.Equal(["SIU^S12^SIU_S12", "SIU^S14^SIU_S12", "SIU^S13^SIU_S12", "SIU^S15^SIU_S12"], received.Select(m => m.GetRaw("MSH-9")));
        var s12 = received[0];
        Assert.Equal(("FHIRPRACTICE", "CLINIC", "EHR", "2.5.1"), (s12.Get("MSH-3"), s12.Get("MSH-4"), s12.Get("MSH-5"), s12.Get("MSH-12")));
        Assert.Equal(("appt-1", "FHIRPRACTICE", "Booked"), (s12.Get("SCH-2-1"), s12.Get("SCH-2-2"), s12.Get("SCH-25-1")));
        Assert.Equal(("20300102100000+0100", "20300102103000+0100"), (s12.Get("TQ1-7"), s12.Get("TQ1-8")));
        Assert.Equal("first", s12.Get("NTE-3"));
        Assert.Equal(("MRN-1", "1.2.3.4", "ISO", "MR"), (s12.Get("PID-3-1"), s12.Get("PID-3-4-2"), s12.Get("PID-3-4-3"), s12.Get("PID-3-5")));
        Assert.Equal(("pat-1", "PI"), (s12.Get("PID-3(2)-1"), s12.Get("PID-3(2)-5")));
        Assert.Equal(("Lovelace", "Ada", "Marie", "L"), (s12.Get("PID-5-1"), s12.Get("PID-5-2"), s12.Get("PID-5-3"), s12.Get("PID-5-7")));
        Assert.Equal(("19741225", "F"), (s12.Get("PID-7"), s12.Get("PID-8")));
        Assert.Equal(("11429006", "SCT"), (s12.Get("AIS-3-1"), s12.Get("AIS-3-3")));
        Assert.Equal(("Room 1", "Booked"), (s12.Get("AIL-3-9"), s12.Get("AIL-12-1")));
        Assert.Equal(("NPI-9", "House", "Greg", "30"), (s12.Get("AIP-3-1"), s12.Get("AIP-3-2"), s12.Get("AIP-3-3"), s12.Get("AIP-9")));
        Assert.Equal(["MSH", "SCH", "TQ1", "NTE", "PID", "RGS", "AIS", "AIL", "AIP"], s12.Segments.Select(s => s.Id));
        Assert.Equal("second", received[1].Get("NTE-3"));
        Assert.Equal("20300102090000+0100", received[2].Get("TQ1-7"));
        Assert.Equal(("Cancelled", "Cancelled", "Cancelled"), (received[3].Get("SCH-25-1"), received[3].Get("AIL-12-1"), received[3].Get("AIP-12-1")));
        Assert.Equal(4, received.Select(m => m.Get("MSH-10")).Distinct().Count());

        await WaitForStatusAsync(client, 4, "sent");
        var queue = await QueueAsync(client, "?destination=ehr");
        Assert.Equal(["sent", "sent", "sent", "sent"], queue.Select(m => (string?)m!["status"]));
        Assert.Equal("Appointment/appt-1/_history/1", (string?)queue[0]!["resource"]);
        Assert.Equal("SIU^S12^SIU_S12", (string?)queue[0]!["messageType"]);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_patient_merged_into_another_is_an_A40_about_the_survivor_with_the_merged_patient_in_MRG()
    {
        _ehr.Start();
        var client = Server("ADT");
        await PutPatientAsync(client, "keep", "K1", "Survivor", HttpStatusCode.Created);
        await PutPatientAsync(client, "dup", "D1", "Duplicate", HttpStatusCode.Created);
        var merged = JsonNode.Parse(PatientJson("dup", "D1", "Duplicate"))!;
        merged["active"] = false;
        merged["link"] = new JsonArray(new JsonObject { ["other"] = new JsonObject { ["reference"] = "Patient/keep" }, ["type"] = "replaced-by" });
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("Patient/dup", FhirServerFactory.Json(merged.ToJsonString()))).StatusCode);
        // A later change of the merged record is an update again, not a second merge.
        merged["gender"] = "other";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("Patient/dup", FhirServerFactory.Json(merged.ToJsonString()))).StatusCode);

        var received = await _ehr.WaitForAsync(4);
        Assert.Equal(["A08", "A08", "A40", "A08"], received.Select(m => m.Get("EVN-1")));
        var a40 = received[2];
        Assert.Equal(("ADT^A40^ADT_A39", "Survivor", "K1", "D1", "Duplicate"),
            (a40.GetRaw("MSH-9"), a40.Get("PID-5-1"), a40.Get("PID-3-1"), a40.Get("MRG-1-1"), a40.Get("MRG-7-1")));
        Assert.Equal(["MSH", "EVN", "PID", "MRG", "PV1"], a40.Segments.Select(s => s.Id));
        Assert.Equal(("dup", "FHIRPRACTICE", "PI"), (a40.Get("MRG-1(2)-1"), a40.Get("MRG-1(2)-4-1"), a40.Get("MRG-1(2)-5")));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_report_goes_as_ORU_R01_with_its_patient_and_results()
    {
        _ehr.Start();
        var client = Server("ORU");
        await PutPatientAsync(client, "lab-p", "L1", "Tested", HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("Observation/glu", FhirServerFactory.Json("""
            {"resourceType":"Observation","id":"glu","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2345-7","display":"Glucose"}]},
             "subject":{"reference":"Patient/lab-p"},"effectiveDateTime":"2030-01-02T08:15:00+01:00",
             "valueQuantity":{"value":5.4,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"},
             "referenceRange":[{"low":{"value":3.9},"high":{"value":5.6}}],"note":[{"text":"Fasting"}]}
            """))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("Observation/strep", FhirServerFactory.Json("""
            {"resourceType":"Observation","id":"strep","status":"preliminary","code":{"coding":[{"system":"http://loinc.org","code":"78012-2"}]},
             "subject":{"reference":"Patient/lab-p"},"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"260385009","display":"Negative"}]},
             "interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"N"}]}]}
            """))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("DiagnosticReport/rep", FhirServerFactory.Json("""
            {"resourceType":"DiagnosticReport","id":"rep","status":"final","identifier":[{"system":"urn:oid:1.2.3.9","value":"ACC-77"}],
             "code":{"coding":[{"system":"http://loinc.org","code":"24323-8","display":"Metabolic panel"}]},
             "subject":{"reference":"Patient/lab-p"},"effectiveDateTime":"2030-01-02T08:15:00+01:00","issued":"2030-01-02T10:00:00+01:00",
             "result":[{"reference":"Observation/glu"},{"reference":"Observation/strep"}]}
            """))).StatusCode);

        var oru = Assert.Single(await _ehr.WaitForAsync(1));
        Assert.Equal(("ORU^R01^ORU_R01", "L1", "RE", "ACC-77", "1.2.3.9"), (oru.GetRaw("MSH-9"), oru.Get("PID-3-1"), oru.Get("ORC-1"), oru.Get("OBR-3-1"), oru.Get("OBR-3-3")));
        Assert.Equal(("24323-8", "LN", "20300102081500+0100", "20300102100000+0100", "F"),
            (oru.Get("OBR-4-1"), oru.Get("OBR-4-3"), oru.Get("OBR-7"), oru.Get("OBR-22"), oru.Get("OBR-25")));
        Assert.Equal(("NM", "2345-7", "5.4", "mmol/L", "UCUM", "3.9-5.6", "F"),
            (oru.Get("OBX(1)-2"), oru.Get("OBX(1)-3-1"), oru.Get("OBX(1)-5"), oru.Get("OBX(1)-6-1"), oru.Get("OBX(1)-6-3"), oru.Get("OBX(1)-7"), oru.Get("OBX(1)-11")));
        Assert.Equal(("CWE", "260385009", "SCT", "N", "P"),
            (oru.Get("OBX(2)-2"), oru.Get("OBX(2)-5-1"), oru.Get("OBX(2)-5-3"), oru.Get("OBX(2)-8"), oru.Get("OBX(2)-11")));
        Assert.Equal(["MSH", "PID", "ORC", "OBR", "OBX", "NTE", "OBX"], oru.Segments.Select(x => x.Id));
        Assert.Equal("Fasting", oru.Get("NTE-3"));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_vaccination_goes_to_the_registry_as_VXU_V04_that_our_own_mapping_reads_back()
    {
        _ehr.Start();
        var client = Server("VXU");
        await PutPatientAsync(client, "vax-p", "V1", "Vaccinated", HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("Organization/merck", FhirServerFactory.Json("""
            {"resourceType":"Organization","id":"merck","name":"Merck","identifier":[{"system":"http://terminology.hl7.org/CodeSystem/MVX","value":"MSD"}]}
            """))).StatusCode);
        const string immunization = """
            {"resourceType":"Immunization","id":"vax-1","status":"completed","patient":{"reference":"Patient/vax-p"},
             "vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"08","display":"HepB, adolescent or pediatric"}]},
             "occurrenceDateTime":"2030-01-02T10:00:00+01:00","primarySource":true,"lotNumber":"LOT7","expirationDate":"2031-06-30",
             "manufacturer":{"reference":"Organization/merck"},
             "route":{"coding":[{"system":"http://ncimeta.nci.nih.gov","code":"C28161","display":"Intramuscular"}]},
             "site":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0163","code":"LD","display":"Left deltoid"}]},
             "doseQuantity":{"value":0.5,"unit":"mL","system":"http://unitsofmeasure.org","code":"mL"},
             "programEligibility":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0064","code":"V02"}]}],
             "fundingSource":{"coding":[{"system":"urn:fhirpractice:v2:codesystem:CDCPHINVS","code":"VXC50","display":"Public"}]},
             "education":[{"documentType":"253088698300026411150402","publicationDate":"2012-02-02","presentationDate":"2030-01-02"}]}
            """;
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("Immunization/vax-1", FhirServerFactory.Json(immunization))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("Immunization/vax-1", FhirServerFactory.Json(immunization.Replace("LOT7", "LOT8")))).StatusCode);

        var received = await _ehr.WaitForAsync(2);
        var vxu = received[0];
        Assert.Equal(("VXU^V04^VXU_V04", "V1", "08", "CVX", "20300102100000+0100"), (vxu.GetRaw("MSH-9"), vxu.Get("PID-3-1"), vxu.Get("RXA-5-1"), vxu.Get("RXA-5-3"), vxu.Get("RXA-3")));
        Assert.Equal(("0.5", "mL", "00", "LOT7", "20310630", "MSD", "MVX", "CP", "A"),
            (vxu.Get("RXA-6"), vxu.Get("RXA-7-1"), vxu.Get("RXA-9-1"), vxu.Get("RXA-15"), vxu.Get("RXA-16"), vxu.Get("RXA-17-1"), vxu.Get("RXA-17-3"), vxu.Get("RXA-20"), vxu.Get("RXA-21")));
        Assert.Equal(("C28161", "NCIT", "LD"), (vxu.Get("RXR-1-1"), vxu.Get("RXR-1-3"), vxu.Get("RXR-2-1")));
        Assert.Equal(["64994-7", "30963-3", "69764-9", "29768-9", "29769-7"], vxu.Segments.Where(x => x.Id == "OBX").Select((_, i) => vxu.Get($"OBX({i + 1})-3-1")));
        Assert.Equal(("U", "LOT8"), (received[1].Get("RXA-21"), received[1].Get("RXA-15")));

        // Our own inbound mapping reads what we sent back into the same facts.
        var back = (await new FhirPractice.Hl7v2.Mapping.V2ToFhirMapper().MapAsync(vxu, new NothingStored())).Transaction.Entry
            .Select(e => e.Resource).OfType<Hl7.Fhir.Model.Immunization>().Single();
        Assert.Equal(("08", "V02", "VXC50", "253088698300026411150402", "2012-02-02", "2030-01-02"),
            (back.VaccineCode.Coding[0].Code, back.ProgramEligibility.Single().Coding[0].Code, back.FundingSource.Coding[0].Code,
             back.Education.Single().DocumentType, back.Education[0].PublicationDate, back.Education[0].PresentationDate));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_change_the_destination_itself_sent_by_MLLP_is_not_sent_back_to_it()
    {
        _ehr.Start();
        var mllp = FreePorts.Next();
        var server = new RestartableServerFactory(_database.Path, [.. _ehr.Settings("ADT"), ("FhirPractice:Hl7v2:Mllp:Port", mllp.ToString())]);
        _servers.Add(server);
        _ = server.Client;
        // The EHR (MSH-3 EHR, its ReceivingApplication here) registers a patient; a lab then sends one of its own.
        foreach (var (application, mrn) in new[] { ("EHR", "FROM-EHR"), ("LAB", "FROM-LAB") })
        {
            var ack = Hl7v2.V2.Parse(await Hl7v2.V2.SendAsync(mllp, Hl7v2.V2.Adt(FhirHttp.Unique(), mrn, family: application).Replace("|SENDAPP|", $"|{application}|")));
            Assert.True(ack.Get("MSA-1") == "AA", ack.Get("MSA-3"));
        }

        var received = await _ehr.WaitForAsync(1);
        await System.Threading.Tasks.Task.Delay(500);
        Assert.Equal([("LAB", "FROM-LAB")], _ehr.Received.Select(m => (m.Get("PID-5-1"), m.Get("PID-3-1"))));
        Assert.Single(await QueueAsync(server.Client));
    }

    /// <summary>A patient created, changed, deleted and created again, as each style of <c>PatientEvents</c> sends it.</summary>
    [Theory]
    [InlineData("A08", "A08 ADT_A01 First|A08 ADT_A01 Changed|A08 ADT_A01 Again")]
    [InlineData("A04", "A04 ADT_A01 First|A08 ADT_A01 Changed|A04 ADT_A01 Again")]
    [InlineData("A28", "A28 ADT_A05 First|A31 ADT_A05 Changed|A29 ADT_A21 Changed|A28 ADT_A05 Again")]
    public async System.Threading.Tasks.Task Each_patient_events_style_sends_its_triggers_a_deletion_naming_the_patient_as_it_was(string style, string expected)
    {
        _ehr.Start();
        var client = Server("ADT", patientEvents: style);
        await PutPatientAsync(client, "q1", "Q1", "First", HttpStatusCode.Created);
        await PutPatientAsync(client, "q1", "Q1", "Changed", HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync("Patient/q1")).StatusCode);
        await PutPatientAsync(client, "q1", "Q1", "Again", HttpStatusCode.Created);

        var messages = expected.Split('|');
        await _ehr.WaitForAsync(messages.Length);
        await System.Threading.Tasks.Task.Delay(300);
        Assert.Equal(messages, _ehr.Received.Select(m => $"{m.Get("EVN-1")} {m.Get("MSH-9-3")} {m.Get("PID-5-1")}"));
        Assert.All(_ehr.Received, m => Assert.Equal((m.Get("MSH-9-2"), "Q1"), (m.Get("EVN-1"), m.Get("PID-3-1"))));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_patient_change_sends_ADT_A08_and_a_refused_write_sends_nothing()
    {
        _ehr.Start();
        var client = Server("ADT");
        await PutPatientAsync(client, "p1", "M1", "Before", HttpStatusCode.Created);
        await PutPatientAsync(client, "p1", "M1", "After", HttpStatusCode.OK);
        // Rolled back (If-Match no longer matches): no message; nor for a deletion, nor for an Appointment (SIU not taken).
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(HttpMethod.Put, "Patient/p1", FhirServerFactory.Json(PatientJson("p1", "M1", "Lost")), ("If-Match", "W/\"1\""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync("Patient/p1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("Appointment/a1", FhirServerFactory.Json(AppointmentJson("a1", "booked", "2030-01-02T10:00:00+01:00", "x")))).StatusCode);
        await PutPatientAsync(client, "p2", "M2", "Last", HttpStatusCode.Created);

        var received = await _ehr.WaitForAsync(3);
        await System.Threading.Tasks.Task.Delay(300);
        Assert.Equal(["Before", "After", "Last"], _ehr.Received.Select(m => m.Get("PID-5-1")));
        var a08 = received[1];
        Assert.Equal(("ADT^A08^ADT_A01", "2.5.1", "A08", "N"), (a08.GetRaw("MSH-9"), a08.Get("MSH-12"), a08.Get("EVN-1"), a08.Get("PV1-2")));
        Assert.Equal(["MSH", "EVN", "PID", "PV1"], a08.Segments.Select(s => s.Id));
        Assert.Equal(("555-0100", "PRN", "PH"), (a08.Get("PID-13-1"), a08.Get("PID-13-2"), a08.Get("PID-13-3")));
        Assert.Equal(("1 Main St", "Springfield", "12345", "H"), (a08.Get("PID-11-1"), a08.Get("PID-11-3"), a08.Get("PID-11-5"), a08.Get("PID-11-7")));
        await WaitForStatusAsync(client, 3, "sent");
        Assert.Equal(3, (await QueueAsync(client)).Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_destination_that_is_down_gets_everything_in_order_when_it_comes_back()
    {
        var client = Server("ADT");
        for (var i = 1; i <= 5; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"Patient/d{i}", FhirServerFactory.Json(PatientJson($"d{i}", $"M{i}", $"Family{i}")))).StatusCode);

        // Down: the head of the queue is retried with backoff, nothing behind it skips ahead.
        for (var i = 0; ; i++)
        {
            var pending = await QueueAsync(client, "?status=pending");
            Assert.Equal(5, pending.Count);
            if ((int)pending[0]!["attempts"]! >= 2)
            {
                Assert.NotNull((string?)pending[0]!["lastError"]);
                Assert.NotNull((string?)pending[0]!["nextAttempt"]);
                Assert.All(pending.Skip(1), m => Assert.Equal(0, (int)m!["attempts"]!));
                break;
            }
            Assert.True(i < 200, "the destination was not retried");
            await System.Threading.Tasks.Task.Delay(50);
        }

        _ehr.Start();
        var received = await _ehr.WaitForAsync(5);
        Assert.Equal(["Family1", "Family2", "Family3", "Family4", "Family5"], received.Select(m => m.Get("PID-5-1")));
        await WaitForStatusAsync(client, 5, "sent");
    }

    [Fact]
    public async System.Threading.Tasks.Task A_refused_message_is_a_dead_letter_the_queue_goes_on_and_staff_can_retry_it()
    {
        _ehr.Refuse = m => m.Get("PID-5-1") == "Refused";
        _ehr.Start();
        var client = Server("ADT");
        await client.PutAsync("Patient/r1", FhirServerFactory.Json(PatientJson("r1", "R1", "Refused")));
        await client.PutAsync("Patient/r2", FhirServerFactory.Json(PatientJson("r2", "R2", "Accepted")));

        await WaitForStatusAsync(client, 1, "sent");
        var failed = Assert.Single(await QueueAsync(client, "?status=failed"));
        Assert.Contains("AE", (string?)failed!["lastError"]);
        Assert.Contains("unknown patient", (string?)failed["lastError"]);
        Assert.Equal(["Refused", "Accepted"], _ehr.Received.Select(m => m.Get("PID-5-1")));
        var firstControlId = _ehr.Received[0].Get("MSH-10");

        _ehr.Refuse = _ => false;
        var id = (long)failed["id"]!;
        var retried = await client.PostAsync($"$hl7v2-outbound/{id}/$retry", null);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        await WaitForStatusAsync(client, 2, "sent");
        var resent = (await _ehr.WaitForAsync(3))[2];
        Assert.Equal("Refused", resent.Get("PID-5-1"));
        Assert.NotEqual(firstControlId, resent.Get("MSH-10"));

        await FhirHttp.AssertOutcomeAsync(await client.PostAsync($"$hl7v2-outbound/{id}/$retry", null), HttpStatusCode.Conflict, "only a failed message");
        await FhirHttp.AssertOutcomeAsync(await client.PostAsync("$hl7v2-outbound/999999/$retry", null), HttpStatusCode.NotFound);
        await FhirHttp.AssertOutcomeAsync(await client.GetAsync("$hl7v2-outbound/abc"), HttpStatusCode.NotFound);
        var detail = await (await client.GetAsync($"$hl7v2-outbound/{id}")).JsonAsync();
        Assert.StartsWith("MSH|^~\\&|FHIRPRACTICE|CLINIC|EHR", (string?)detail["message"]);
    }

    [Fact]
    public async System.Threading.Tasks.Task With_hold_a_refused_message_stops_its_queue_until_staff_retry_it()
    {
        _ehr.Refuse = m => m.Get("PID-5-1") == "Refused";
        _ehr.Start();
        var client = Server("ADT", onRejected: "Hold");
        await client.PutAsync("Patient/h1", FhirServerFactory.Json(PatientJson("h1", "H1", "Refused")));
        await client.PutAsync("Patient/h2", FhirServerFactory.Json(PatientJson("h2", "H2", "Behind")));

        await WaitForStatusAsync(client, 1, "failed");
        await System.Threading.Tasks.Task.Delay(500);
        Assert.Equal(["Refused"], _ehr.Received.Select(m => m.Get("PID-5-1")));
        Assert.Single(await QueueAsync(client, "?status=pending"));

        _ehr.Refuse = _ => false;
        var id = (long)(await QueueAsync(client, "?status=failed"))[0]!["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"$hl7v2-outbound/{id}/$retry", null)).StatusCode);
        await _ehr.WaitForAsync(3);
        Assert.Equal(["Refused", "Refused", "Behind"], _ehr.Received.Select(m => m.Get("PID-5-1")));
    }

    [Fact]
    public async System.Threading.Tasks.Task Messages_still_queued_at_a_restart_are_sent_after_it()
    {
        var first = Server("ADT");
        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await first.PutAsync($"Patient/s{i}", FhirServerFactory.Json(PatientJson($"s{i}", $"S{i}", $"Stored{i}")))).StatusCode);
        await _servers[0].DisposeAsync();
        _servers.Clear();

        _ehr.Start();
        var second = Server("ADT");
        var received = await _ehr.WaitForAsync(3);
        Assert.Equal(["Stored1", "Stored2", "Stored3"], received.Select(m => m.Get("PID-5-1")));
        await WaitForStatusAsync(second, 3, "sent");
    }

    [Theory]
    [InlineData("?status=lost", "status")]
    [InlineData("?destination=nowhere", "destination")]
    [InlineData("?_count=0", "_count")]
    [InlineData("?_page=x", "_page")]
    [InlineData("?color=red", "unknown parameter")]
    [InlineData("?status=", "no value")]
    public async System.Threading.Tasks.Task Bad_queue_parameters_are_refused_with_400(string query, string diagnostics)
    {
        var client = Server("ADT");
        await FhirHttp.AssertOutcomeAsync(await client.GetAsync("$hl7v2-outbound" + query), HttpStatusCode.BadRequest, diagnostics);
    }

    [Fact]
    public async System.Threading.Tasks.Task The_queue_pages_in_order()
    {
        var client = Server("ADT");
        for (var i = 1; i <= 3; i++) await client.PutAsync($"Patient/g{i}", FhirServerFactory.Json(PatientJson($"g{i}", $"G{i}", $"Paged{i}")));
        var page = await (await client.GetAsync("$hl7v2-outbound?_count=2")).JsonAsync();
        Assert.Equal(["Patient/g1/_history/1", "Patient/g2/_history/1"], page["messages"]!.AsArray().Select(m => (string?)m!["resource"]));
        var next = await (await client.GetAsync((string)page["next"]!)).JsonAsync();
        Assert.Equal(["Patient/g3/_history/1"], next["messages"]!.AsArray().Select(m => (string?)m!["resource"]));
        Assert.Null(next["next"]);
    }

    /// <summary>A look-up for the inbound mapping that finds nothing stored.</summary>
    private sealed class NothingStored : FhirPractice.Hl7v2.Mapping.IFhirLookup
    {
        public Task<IReadOnlyList<Hl7.Fhir.Model.Resource>> SearchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<Hl7.Fhir.Model.Resource>>([]);
    }
}
