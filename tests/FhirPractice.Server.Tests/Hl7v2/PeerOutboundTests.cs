using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>
/// A real MLLP receiver nobody here wrote — @medplum/hl7's server (tests/hl7-peer/receive.mjs), standing in for an
/// EHR — takes the ADT, SIU and ORU the outbound queue sends, reads them and answers AA, and the queue counts them sent.
/// </summary>
public sealed class PeerOutboundTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [NodePeerFact]
    public async Task Medplum_hl7_server_reads_our_adt_siu_and_oru_and_acknowledges_them()
    {
        var port = FreePorts.Next();
        using var ehr = NodePeer.Start("receive.mjs", port.ToString(), "3");
        Assert.Equal(port, (int)(await ehr.FirstLineAsync())["listening"]!);
        await using var server = new RestartableServerFactory(_database.Path,
            ("FhirPractice:Hl7v2:Outbound:Destinations:ehr:Host", "127.0.0.1"),
            ("FhirPractice:Hl7v2:Outbound:Destinations:ehr:Port", port.ToString()),
            ("FhirPractice:Hl7v2:Outbound:Destinations:ehr:Events", "ADT,SIU,ORU"),
            ("FhirPractice:Hl7v2:Outbound:InitialRetryDelay", "00:00:00.100"),
            ("FhirPractice:Hl7v2:Outbound:PollInterval", "00:00:01"));
        var client = server.Client;
        await PutAsync(client, "Patient/peer-p", """
            {"resourceType":"Patient","id":"peer-p","identifier":[{"system":"urn:oid:1.2.3.4","value":"MRN-PEER"}],"name":[{"family":"Peer","given":["Ada"]}]}
            """);
        await PutAsync(client, "Appointment/peer-a", """
            {"resourceType":"Appointment","id":"peer-a","status":"booked","start":"2030-01-02T10:00:00+01:00","end":"2030-01-02T10:30:00+01:00",
             "participant":[{"actor":{"reference":"Patient/peer-p"},"status":"accepted"}]}
            """);
        await PutAsync(client, "DiagnosticReport/peer-r", """
            {"resourceType":"DiagnosticReport","id":"peer-r","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},
             "subject":{"reference":"Patient/peer-p"}}
            """);

        var read = await ehr.ExitAsync();
        var messages = read.Skip(1).ToList();
        Assert.Equal(["ADT^A08^ADT_A01", "SIU^S12^SIU_S12", "ORU^R01^ORU_R01"], messages.Select(m => (string?)m["type"]));
        Assert.All(messages, m => Assert.Equal("MRN-PEER", (string?)m["patient"]));
        Assert.Equal(["MSH", "PID", "ORC", "OBR"], messages[2]["segments"]!.AsArray().Select(s => (string?)s));
        for (var i = 0; ; i++)
        {
            var queue = (await (await client.GetAsync("$hl7v2-outbound")).JsonAsync())["messages"]!.AsArray();
            if (queue.Count == 3 && queue.All(m => (string?)m!["status"] == "sent")) break;
            Assert.True(i < 100, queue.ToJsonString());
            await Task.Delay(100);
        }
    }

    private static async Task PutAsync(HttpClient client, string url, string json) =>
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(url, FhirServerFactory.Json(json))).StatusCode);
}
