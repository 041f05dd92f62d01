using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FhirPractice.Hl7v2.Inbound;
using FhirPractice.Hl7v2.Store;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>The staff API over the message store: search, one message, dead letters, replay, recovery, bad input.</summary>
public class MessageStoreApiTests(MllpServerFactory server) : IClassFixture<MllpServerFactory>
{
    private int Port => server.Started().MllpPort;

    private async Task<JsonNode> GetJsonAsync(string url)
    {
        var response = await server.Client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static IEnumerable<string?> ControlIds(JsonNode list) => list["messages"]!.AsArray().Select(m => (string?)m!["controlId"]);

    [Fact]
    public async Task Messages_are_found_by_type_sender_patient_status_and_time()
    {
        var (mrn, a08, a01) = (FhirHttp.Unique(), FhirHttp.Unique(), FhirHttp.Unique());
        var before = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        await V2.SendAsync(Port, V2.Adt(a08, mrn, authority: "AUTH1"));
        await V2.SendAsync(Port, V2.Adt(a01, mrn, trigger: "A01", authority: "AUTH1").Replace("|SENDAPP|", "|OTHERAPP|"));

        Assert.Equal([a01, a08], ControlIds(await GetJsonAsync($"$hl7v2-messages?patient=AUTH1|{mrn}")));
        Assert.Equal([a08], ControlIds(await GetJsonAsync($"$hl7v2-messages?patient={mrn}&type={Uri.EscapeDataString("ADT^A08")}")));
        Assert.Equal([a01], ControlIds(await GetJsonAsync($"$hl7v2-messages?patient={mrn}&sender=OTHERAPP|SENDFAC")));
        Assert.Empty(ControlIds(await GetJsonAsync($"$hl7v2-messages?patient={mrn}&sender=OTHERAPP|ELSEWHERE")));
        Assert.Empty(ControlIds(await GetJsonAsync($"$hl7v2-messages?patient=AUTH2|{mrn}")));
        Assert.Equal(2, ControlIds(await GetJsonAsync($"$hl7v2-messages?patient={mrn}&status=mapped&since={Uri.EscapeDataString(before)}")).Count());
        Assert.Empty(ControlIds(await GetJsonAsync($"$hl7v2-messages?patient={mrn}&since=2999-01-01")));
        Assert.Empty(ControlIds(await GetJsonAsync($"$hl7v2-messages?patient={mrn}&status=failed")));
    }

    [Fact]
    public async Task Every_request_is_in_the_audit_trail_with_who_asked_what_and_the_outcome()
    {
        var mrn = FhirHttp.Unique();
        await V2.SendAsync(Port, V2.Adt(FhirHttp.Unique(), mrn));
        var id = (long)(await GetJsonAsync($"$hl7v2-messages?patient={mrn}"))["messages"]![0]!["id"]!;

        async Task<JsonNode> AuditedAsync(string url, HttpStatusCode expected)
        {
            var requestId = FhirHttp.Unique();
            var response = await server.Client.SendAsync(HttpMethod.Get, url, null, ("X-Request-Id", requestId));
            Assert.Equal(expected, response.StatusCode);
            var e = Assert.Single(await Audit.AuditLog.EventsAsync(server.Services, requestId));
            Assert.Empty(BalpRules.Violations(e));
            Assert.Equal("110110", (string?)e["type"]!["code"]);
            var query = e["entity"]!.AsArray().Single(x => (string?)x!["role"]?["code"] == "24")!;
            Assert.EndsWith(url, Encoding.UTF8.GetString(Convert.FromBase64String((string)query["query"]!)));
            return e;
        }

        var one = await AuditedAsync($"$hl7v2-messages/{id}", HttpStatusCode.OK);
        Assert.Equal(("/fhir/$hl7v2-messages/{id}", "R", "0"), ((string?)one["subtype"]![0]!["code"], (string?)one["action"], (string?)one["outcome"]));
        var list = await AuditedAsync($"$hl7v2-messages?patient={mrn}", HttpStatusCode.OK);
        Assert.Equal(("/fhir/$hl7v2-messages", "E", "0"), ((string?)list["subtype"]![0]!["code"], (string?)list["action"], (string?)list["outcome"]));
        var missing = await AuditedAsync("$hl7v2-messages/999999999", HttpStatusCode.NotFound);
        Assert.Equal("4", (string?)missing["outcome"]);
        Assert.StartsWith("404; there is no HL7 v2 message", (string?)missing["outcomeDesc"]);
    }

    [Fact]
    public async Task Pages_follow_the_next_link_to_the_end()
    {
        var mrn = FhirHttp.Unique();
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sent.Add(FhirHttp.Unique());
            await V2.SendAsync(Port, V2.Adt(sent[^1], mrn));
        }

        var seen = new List<string?>();
        string? url = $"$hl7v2-messages?patient={mrn}&_count=2";
        while (url is not null)
        {
            var page = await GetJsonAsync(url);
            Assert.True(page["messages"]!.AsArray().Count <= 2);
            seen.AddRange(ControlIds(page));
            url = (string?)page["next"];
        }
        Assert.Equal(Enumerable.Reverse(sent), seen);
    }

    [Fact]
    public async Task One_message_shows_its_raw_bytes_status_and_ack()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var message = V2.Adt(control, mrn);
        var ack = await V2.SendAsync(Port, message);
        var listed = (await GetJsonAsync($"$hl7v2-messages?patient={mrn}"))["messages"]![0]!;

        var detail = await GetJsonAsync((string)listed["url"]!);
        Assert.Equal(V2.Bytes(message), Convert.FromBase64String((string)detail["messageBase64"]!));
        Assert.Equal(message, (string?)detail["message"]);
        Assert.Equal(Encoding.UTF8.GetString(ack), (string?)detail["ack"]);
        Assert.Equal("mapped", (string?)detail["status"]);
        Assert.Equal("GHH", (string?)detail["patient"]!["assigningAuthority"]);
    }

    [Fact]
    public async Task A_failed_message_is_a_dead_letter_until_a_replay_after_the_mapping_fix_maps_it()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var family = "Fixme" + FhirHttp.Unique();
        server.Switches.BrokenFamily = family;
        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(control, mrn, family: family)));
        Assert.Equal("AE", ack.Get("MSA-1"));
        Assert.Equal("5", ack.Get("ERR-2-3"));

        var dead = (await GetJsonAsync("$hl7v2-dead-letters?_count=1000"))["messages"]!.AsArray();
        var letter = Assert.Single(dead, m => (string?)m!["controlId"] == control)!;
        Assert.Equal("failed", (string?)letter["status"]);
        Assert.Contains("not mapped", (string?)letter["error"]);

        server.Switches.BrokenFamily = null; // the mapping fix
        var replay = await server.Client.PostAsync((string)letter["url"]! + "/$replay", null);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var replayed = await replay.JsonAsync();
        Assert.Equal("mapped", (string?)replayed["status"]);
        Assert.Null((string?)replayed["error"]);
        Assert.Equal("AE", V2.Parse(Encoding.UTF8.GetBytes((string)replayed["ack"]!)).Get("MSA-1")); // what the sender was told
        var patients = await (await server.Client.GetAsync($"Patient?identifier={mrn}")).JsonAsync();
        Assert.Single(patients["entry"]!.AsArray());
        Assert.DoesNotContain(ControlIds(await GetJsonAsync("$hl7v2-dead-letters?_count=1000")), c => c == control);
    }

    /// <summary>An ADT stored in status received and not processed, as a crash between its storing and its mapping leaves it.</summary>
    private async Task<(IMessageStore Store, Admission Admitted)> LeftReceivedAsync(string control, string mrn)
    {
        var store = server.Started().Services.GetRequiredService<IMessageStore>();
        var admitted = await store.AdmitAsync(new NewMessage(V2.Bytes(V2.Adt(control, mrn)), DateTimeOffset.UtcNow, MessageStatus.Received)
        {
            DuplicateKey = new DuplicateKey("SENDAPP", "SENDFAC", control),
            ControlId = control,
        });
        return (store, admitted);
    }

    [Fact]
    public async Task Messages_left_received_by_a_crash_are_processed_by_recovery()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var (store, admitted) = await LeftReceivedAsync(control, mrn);

        await server.Services.GetRequiredService<InboundPipeline>().RecoverAsync(CancellationToken.None);

        var recovered = await store.GetAsync(admitted.Message.Id);
        Assert.Equal(MessageStatus.Mapped, recovered!.Status);
        Assert.Equal("AA", V2.Parse(recovered.Ack!).Get("MSA-1"));
        var resend = V2.Parse(await V2.SendAsync(Port, V2.Adt(control, mrn)));
        Assert.Equal(V2.Parse(recovered.Ack!).Get("MSH-10"), resend.Get("MSH-10")); // the stored ACK, not a new one
    }

    [Fact]
    public async Task A_resend_of_a_message_left_received_processes_it_once_before_recovery_runs()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var (store, admitted) = await LeftReceivedAsync(control, mrn);

        var ack = await V2.SendAsync(Port, V2.Adt(control, mrn));

        Assert.Equal("AA", V2.Parse(ack).Get("MSA-1"));
        var stored = await store.GetAsync(admitted.Message.Id);
        Assert.Equal(MessageStatus.Mapped, stored!.Status);
        Assert.Equal(ack, stored.Ack);
        Assert.Equal(admitted.Message.Id, (await store.FindAsync(new DuplicateKey("SENDAPP", "SENDFAC", control)))!.Id); // no second record
        var patients = await GetJsonAsync($"Patient?identifier={Uri.EscapeDataString(TestMessageMapper.PatientSystem + "GHH")}|{mrn}");
        Assert.Single(patients["entry"]!.AsArray());
    }

    [Theory]
    [InlineData("$hl7v2-messages?colour=red", "colour")]
    [InlineData("$hl7v2-messages?status=lost", "status")]
    [InlineData("$hl7v2-messages?since=yesterday", "since")]
    [InlineData("$hl7v2-messages?_count=0", "_count")]
    [InlineData("$hl7v2-messages?_count=abc", "_count")]
    [InlineData("$hl7v2-messages?_page=x", "_page")]
    [InlineData("$hl7v2-messages?type=", "type")]
    [InlineData("$hl7v2-messages?type=ADT&type=ORU", "type")]
    [InlineData("$hl7v2-dead-letters?status=mapped", "status")]
    public async Task Bad_search_parameters_are_400_naming_the_parameter(string url, string parameter)
    {
        await FhirHttp.AssertOutcomeAsync(await server.Client.GetAsync(url), HttpStatusCode.BadRequest, parameter, parameter);
    }

    [Theory]
    [InlineData("GET", "$hl7v2-messages/999999999")]
    [InlineData("GET", "$hl7v2-messages/abc")]
    [InlineData("POST", "$hl7v2-messages/999999999/$replay")]
    public async Task An_unknown_message_is_404(string method, string url)
    {
        await FhirHttp.AssertOutcomeAsync(await server.Client.SendAsync(new HttpMethod(method), url), HttpStatusCode.NotFound, "no HL7 v2 message");
    }
}
