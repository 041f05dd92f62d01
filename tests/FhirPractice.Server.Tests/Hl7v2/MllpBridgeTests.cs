using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using FhirPractice.Hl7v2.Mllp;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>The inbound bridge end to end: MLLP in, FHIR resources and the message store out.</summary>
public class MllpBridgeTests(MllpServerFactory server) : IClassFixture<MllpServerFactory>
{
    private int Port => server.Started().MllpPort;

    private async Task<JsonArray> PatientsAsync(string mrn, string authority = "GHH")
    {
        var bundle = await (await server.Client.GetAsync($"Patient?identifier={Uri.EscapeDataString(TestMessageMapper.PatientSystem + authority)}|{mrn}")).JsonAsync();
        return bundle["entry"]?.AsArray() ?? [];
    }

    private async Task<JsonArray> StoredAsync(string query)
    {
        var response = await server.Client.GetAsync("$hl7v2-messages?" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync())["messages"]!.AsArray();
    }

    [Fact]
    public async Task An_adt_is_acknowledged_AA_once_its_patient_is_committed()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(control, mrn)));

        Assert.Equal("AA", ack.Get("MSA-1"));
        Assert.Equal(control, ack.Get("MSA-2"));
        Assert.Equal("SENDAPP", ack.Get("MSH-5"));
        var patient = Assert.Single(await PatientsAsync(mrn));
        Assert.Equal("Everyman", (string?)patient!["resource"]!["name"]![0]!["family"]);
        var stored = Assert.Single(await StoredAsync($"patient=GHH|{mrn}"));
        Assert.Equal("mapped", (string?)stored!["status"]);
        Assert.Equal("ADT^A08", (string?)stored["type"]);
        Assert.Equal(control, (string?)stored["controlId"]);
    }

    [Fact]
    public async Task A_resend_gets_the_original_ack_bytes_and_changes_nothing()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var message = V2.Adt(control, mrn);
        await using var client = await V2.ConnectAsync(Port);
        var first = await client.SendAsync(V2.Bytes(message));
        var again = await client.SendAsync(V2.Bytes(message));

        Assert.Equal(first, again);
        var patient = Assert.Single(await PatientsAsync(mrn));
        Assert.Equal("1", (string?)patient!["resource"]!["meta"]!["versionId"]);
        Assert.Single(await StoredAsync($"patient={mrn}"));
    }

    [Fact]
    public async Task An_adt_that_repeats_the_stored_patient_adds_no_version_and_one_that_changes_it_does()
    {
        var mrn = FhirHttp.Unique();
        await using var client = await V2.ConnectAsync(Port);
        foreach (var family in new[] { "Everyman", "Everyman", "Everywoman" })
            Assert.Equal("AA", V2.Parse(await client.SendAsync(V2.Bytes(V2.Adt(FhirHttp.Unique(), mrn, family)))).Get("MSA-1"));

        var patient = Assert.Single(await PatientsAsync(mrn))!["resource"]!;
        Assert.Equal("2", (string?)patient["meta"]!["versionId"]);
        Assert.Equal("Everywoman", (string?)patient["name"]![0]!["family"]);
        var history = await (await server.Client.GetAsync($"Patient/{patient["id"]}/_history")).JsonAsync();
        Assert.Equal(2, history["entry"]!.AsArray().Count);
        Assert.Equal(3, (await StoredAsync($"patient=GHH|{mrn}&status=mapped")).Count);
    }

    [Fact]
    public async Task The_same_message_on_eight_connections_at_once_is_processed_once()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var message = V2.Adt(control, mrn);
        var acks = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => V2.SendAsync(Port, message)));

        Assert.All(acks, ack => Assert.Equal(acks[0], ack));
        Assert.Equal("AA", V2.Parse(acks[0]).Get("MSA-1"));
        var patient = Assert.Single(await PatientsAsync(mrn));
        Assert.Equal("1", (string?)patient!["resource"]!["meta"]!["versionId"]);
        Assert.Single(await StoredAsync($"patient={mrn}"));
    }

    [Fact]
    public async Task The_same_control_id_from_another_facility_is_another_message()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var message = V2.Adt(control, mrn);
        await V2.SendAsync(Port, message);
        var other = V2.Parse(await V2.SendAsync(Port, message.Replace("|SENDFAC|", "|OTHERFAC|")));

        Assert.Equal("AA", other.Get("MSA-1"));
        Assert.Equal(2, (await StoredAsync($"patient={mrn}")).Count);
    }

    [Fact]
    public async Task A_missing_patient_identifier_is_AE_with_an_err_naming_PID_3()
    {
        var control = FhirHttp.Unique();
        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(control, "")));

        Assert.Equal("AE", ack.Get("MSA-1"));
        Assert.Equal("PID", ack.Get("ERR-2-1"));
        Assert.Equal("3", ack.Get("ERR-2-3"));
        Assert.Equal("101", ack.Get("ERR-3-1"));
        Assert.Equal("E", ack.Get("ERR-4"));
    }

    [Fact]
    public async Task A_value_the_engine_refuses_is_AE_naming_the_fhir_element_and_nothing_is_stored()
    {
        var mrn = FhirHttp.Unique();
        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(FhirHttp.Unique(), mrn, birthDate: "19610615")));

        Assert.Equal("AE", ack.Get("MSA-1"));
        Assert.Contains("HTTP 400", ack.Get("ERR-8"));
        Assert.Contains("birthDate", ack.Get("ERR-8"));
        Assert.Empty(await PatientsAsync(mrn));
        var stored = Assert.Single(await StoredAsync($"patient={mrn}"));
        Assert.Equal("failed", (string?)stored!["status"]);
        Assert.Contains("birthDate", (string?)stored["error"]);
    }

    [Theory]
    [InlineData("2.5.1", "T", "ADT", "11", "202")]
    [InlineData("2.9", "P", "ADT", "12", "203")]
    [InlineData("", "P", "ADT", "12", "101")]
    [InlineData("2.5.1", "P", "ZZZ", "9", "200")]
    public async Task A_message_refused_for_its_header_is_AR_naming_the_msh_field(string version, string processingId, string type, string field, string code)
    {
        var message = V2.Adt(FhirHttp.Unique(), FhirHttp.Unique(), version: version, processingId: processingId).Replace("|ADT^A08^", $"|{type}^A08^");
        var ack = V2.Parse(await V2.SendAsync(Port, message));

        Assert.Equal("AR", ack.Get("MSA-1"));
        Assert.Equal("MSH", ack.Get("ERR-2-1"));
        Assert.Equal(field, ack.Get("ERR-2-3"));
        Assert.Equal(code, ack.Get("ERR-3-1"));
    }

    [Fact]
    public async Task Enhanced_mode_AL_NE_answers_CA_only()
    {
        var mrn = FhirHttp.Unique();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Port);
        var stream = tcp.GetStream();
        await MllpFraming.WriteFrameAsync(stream, V2.Bytes(V2.Adt(FhirHttp.Unique(), mrn, ackModes: "AL|NE")));
        var frame = await new MllpFrameReader(stream).ReadFrameAsync(new CancellationTokenSource(V2.Bound).Token);

        Assert.Equal("CA", V2.Parse(frame!).Get("MSA-1"));
        Assert.True(await V2.NothingMoreAsync(stream, TimeSpan.FromSeconds(1)));
        await WaitForAsync(async () => (await PatientsAsync(mrn)).Count == 1);
    }

    [Fact]
    public async Task Enhanced_mode_AL_AL_answers_CA_then_AA_on_the_same_connection()
    {
        var control = FhirHttp.Unique();
        var frames = await V2.SendReadingFramesAsync(Port, V2.Adt(control, FhirHttp.Unique(), ackModes: "AL|AL"), 2);

        Assert.Equal(["CA", "AA"], frames.Select(f => f.Get("MSA-1")));
        Assert.All(frames, f => Assert.Equal(control, f.Get("MSA-2")));
    }

    [Fact]
    public async Task Enhanced_mode_SU_ER_answers_CA_then_AE_for_a_content_error()
    {
        var frames = await V2.SendReadingFramesAsync(Port, V2.Adt(FhirHttp.Unique(), "", ackModes: "SU|ER"), 2);

        Assert.Equal(["CA", "AE"], frames.Select(f => f.Get("MSA-1")));
        Assert.Equal("PID", frames[1].Get("ERR-2-1"));
    }

    [Fact]
    public async Task Enhanced_mode_refuses_an_unsupported_version_with_CR()
    {
        var frames = await V2.SendReadingFramesAsync(Port, V2.Adt(FhirHttp.Unique(), FhirHttp.Unique(), ackModes: "AL|AL", version: "3.0"), 1);

        Assert.Equal("CR", frames[0].Get("MSA-1"));
        Assert.Equal("12", frames[0].Get("ERR-2-3"));
    }

    [Fact]
    public async Task An_unknown_acknowledgment_condition_is_CR_naming_MSH_15()
    {
        // MSH-15 is set, so the sender asked for enhanced mode: the refusal is at accept level.
        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(FhirHttp.Unique(), FhirHttp.Unique(), ackModes: "XX|AL")));

        Assert.Equal("CR", ack.Get("MSA-1"));
        Assert.Equal("15", ack.Get("ERR-2-3"));
        Assert.Equal("103", ack.Get("ERR-3-1"));
    }

    [Fact]
    public async Task A_message_that_does_not_parse_gets_AR_from_its_header_and_lands_in_the_dead_letters()
    {
        var control = FhirHttp.Unique();
        var broken = V2.Adt(control, FhirHttp.Unique()).Replace("\rPID|", "\rP@D|");
        var ack = V2.Parse(await V2.SendAsync(Port, broken));

        Assert.Equal("AR", ack.Get("MSA-1"));
        Assert.Equal(control, ack.Get("MSA-2"));
        Assert.Equal("100", ack.Get("ERR-3-1"));
        Assert.Contains("segment 3", ack.Get("ERR-8"));
        var dead = (await (await server.Client.GetAsync("$hl7v2-dead-letters?_count=1000")).JsonAsync())["messages"]!.AsArray();
        Assert.Contains(dead, m => (string?)m!["controlId"] == control);
    }

    [Fact]
    public async Task Garbage_without_a_header_closes_the_connection_and_the_listener_serves_on()
    {
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", Port);
            var stream = tcp.GetStream();
            await MllpFraming.WriteFrameAsync(stream, new byte[] { 0x00, 0xFF, 0x41, 0x42, 0x0D, 0x13, 0x37 });
            var buffer = new byte[64];
            using var cts = new CancellationTokenSource(V2.Bound);
            Assert.Equal(0, await stream.ReadAsync(buffer, cts.Token)); // closed, nothing answered
        }

        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(FhirHttp.Unique(), FhirHttp.Unique())));
        Assert.Equal("AA", ack.Get("MSA-1"));
    }

    [Fact]
    public async Task A_peer_that_disconnects_mid_message_leaves_nothing_behind()
    {
        var mrn = FhirHttp.Unique();
        var framed = MllpFraming.Frame(V2.Bytes(V2.Adt(FhirHttp.Unique(), mrn)));
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", Port);
            await tcp.GetStream().WriteAsync(framed.AsMemory(0, framed.Length / 2));
        }

        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(FhirHttp.Unique(), FhirHttp.Unique())));
        Assert.Equal("AA", ack.Get("MSA-1"));
        Assert.Empty(await StoredAsync($"patient={mrn}"));
        Assert.Empty(await PatientsAsync(mrn));
    }

    [Fact]
    public async Task A_message_split_across_writes_is_processed_once_whole()
    {
        var mrn = FhirHttp.Unique();
        var framed = MllpFraming.Frame(V2.Bytes(V2.Adt(FhirHttp.Unique(), mrn)));
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", Port);
        var stream = tcp.GetStream();
        for (var i = 0; i < framed.Length; i += 7)
        {
            await stream.WriteAsync(framed.AsMemory(i, Math.Min(7, framed.Length - i)));
            await stream.FlushAsync();
        }
        var ack = await new MllpFrameReader(stream).ReadFrameAsync(new CancellationTokenSource(V2.Bound).Token);

        Assert.Equal("AA", V2.Parse(ack!).Get("MSA-1"));
        Assert.Single(await PatientsAsync(mrn));
    }

    [Fact]
    public async Task A_ten_thousand_character_field_is_mapped_whole()
    {
        var (mrn, family) = (FhirHttp.Unique(), new string('X', 10_000));
        var ack = V2.Parse(await V2.SendAsync(Port, V2.Adt(FhirHttp.Unique(), mrn, family: family)));

        Assert.Equal("AA", ack.Get("MSA-1"));
        var patient = Assert.Single(await PatientsAsync(mrn));
        Assert.Equal(family, (string?)patient!["resource"]!["name"]![0]!["family"]);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow + V2.Bound; DateTime.UtcNow < deadline; await Task.Delay(50))
            if (await condition()) return;
        Assert.Fail("the condition did not come true in time");
    }
}
