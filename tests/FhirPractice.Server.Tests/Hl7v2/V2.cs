using System.Net.Sockets;
using System.Text;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>Test messages and the MLLP calls to send them.</summary>
public static class V2
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>An ADT from SENDAPP/SENDFAC; <paramref name="ackModes"/> is MSH-15|MSH-16 (enhanced mode) or empty (original).</summary>
    public static string Adt(string controlId, string mrn, string family = "Everyman", string trigger = "A08", string ackModes = "",
        string version = "2.5.1", string processingId = "P", string? birthDate = null, string authority = "GHH") =>
        $"MSH|^~\\&|SENDAPP|SENDFAC|FHIRPRACTICE|PRACTICE|20240501120000||ADT^{trigger}^ADT_A01|{controlId}|{processingId}|{version}|||{ackModes}\r" +
        $"EVN|{trigger}|20240501120000\r" +
        $"PID|1||{mrn}^^^{authority}^MR||{family}^Adam||{birthDate}|M\r" +
        "PV1|1|O\r";

    public static byte[] Bytes(string message) => Encoding.UTF8.GetBytes(message);

    public static Task<MllpClient> ConnectAsync(int port) =>
        MllpClient.ConnectAsync("127.0.0.1", port, new MllpClientOptions { ResponseTimeout = Bound });

    /// <summary>Sends on a new connection and returns the one ACK.</summary>
    public static async Task<byte[]> SendAsync(int port, string message)
    {
        await using var client = await ConnectAsync(port);
        return await client.SendAsync(Bytes(message));
    }

    public static Er7Message Parse(byte[] ack) => Er7Parser.Parse(ack);

    /// <summary>Sends framed on a raw connection and reads <paramref name="frames"/> frames back (enhanced mode may answer twice).</summary>
    public static async Task<List<Er7Message>> SendReadingFramesAsync(int port, string message, int frames)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Bound);
        var stream = tcp.GetStream();
        await MllpFraming.WriteFrameAsync(stream, Bytes(message));
        var reader = new MllpFrameReader(stream, MllpFraming.DefaultMaxFrameLength);
        var result = new List<Er7Message>();
        using var timeout = new CancellationTokenSource(Bound);
        for (var i = 0; i < frames; i++)
            result.Add(Parse(await reader.ReadFrameAsync(timeout.Token) ?? throw new IOException("the server closed the connection")));
        return result;
    }

    /// <summary>True when nothing more arrives on <paramref name="stream"/> within <paramref name="wait"/>.</summary>
    public static async Task<bool> NothingMoreAsync(Stream stream, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try { return await stream.ReadAsync(new byte[1], cts.Token) == 0; }
        catch (OperationCanceledException) { return true; }
    }
}
