using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>
/// A staff view of stored HL7 v2 messages names, in its AuditEvent, the patients of the messages it showed (those a
/// mapped message's Provenance names), so a patient's access report finds who read their raw messages.
/// </summary>
public class StaffAuditPatientTests(MappedMllpServerFactory server) : IClassFixture<MappedMllpServerFactory>
{
    /// <summary>The answer, and the AuditEvents of the request: one per patient at most, as BALP has it.</summary>
    private async Task<(JsonNode Answer, List<JsonNode> Audit)> GetAsync(string url)
    {
        var requestId = FhirHttp.Unique();
        var response = await server.Client.SendAsync(HttpMethod.Get, url, null, ("X-Request-Id", requestId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await Audit.AuditLog.EventsAsync(server.Services, requestId);
        Assert.All(events, e => Assert.Empty(BalpRules.Violations(e)));
        return (await response.JsonAsync(), events);
    }

    private static List<string?> Patients(List<JsonNode> events) => [.. events.SelectMany(e => e["entity"]!.AsArray())
        .Where(x => (string?)x!["role"]?["code"] == "1").Select(x => (string?)x!["what"]!["reference"]).Order()];

    [Fact]
    public async Task Reading_a_mapped_message_or_a_list_of_them_is_audited_for_their_patients()
    {
        var (first, second) = (FhirHttp.Unique(), FhirHttp.Unique());
        foreach (var mrn in new[] { first, second })
        {
            var ack = V2.Parse(await V2.SendAsync(server.Started().MllpPort, V2.Adt(FhirHttp.Unique(), mrn, authority: "STAFFAUDIT")));
            Assert.True(ack.Get("MSA-1") == "AA", ack.Get("MSA-3"));
        }
        async Task<string> PatientIdAsync(string mrn) => (string)(await (await server.Client.GetAsync($"Patient?identifier={mrn}")).JsonAsync())["entry"]![0]!["resource"]!["id"]!;
        var (firstPatient, secondPatient) = (await PatientIdAsync(first), await PatientIdAsync(second));

        // A list: one AuditEvent for the request, one more per patient on the page.
        var (list, listed) = await GetAsync($"$hl7v2-messages?patient=STAFFAUDIT|{first}");
        Assert.Equal(2, listed.Count);
        Assert.Equal([$"Patient/{firstPatient}"], Patients(listed));
        var (_, both) = await GetAsync("$hl7v2-messages?sender=SENDAPP&_count=1000");
        Assert.Contains($"Patient/{firstPatient}", Patients(both));
        Assert.Contains($"Patient/{secondPatient}", Patients(both));

        // One message of one patient: one AuditEvent, with the patient.
        var (_, reads) = await GetAsync($"$hl7v2-messages/{(long)list["messages"]![0]!["id"]!}");
        var read = Assert.Single(reads);
        Assert.Equal([$"Patient/{firstPatient}"], Patients(reads));

        // The patient's access report (AuditEvent?patient=) shows the staff's read of the raw message.
        var report = await (await server.Client.GetAsync($"AuditEvent?patient=Patient/{firstPatient}&type=110110")).JsonAsync();
        Assert.Contains(report["entry"]!.AsArray(), x => (string?)x!["resource"]!["id"] == (string?)read["id"]);
    }
}
