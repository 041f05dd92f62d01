using System.Diagnostics;
using System.Text;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.LoadHarness;

/// <summary>
/// The HL7 v2 modes: ADT^A08 messages over MLLP connections, each one waiting for its ACK before the next
/// (MLLP allows one outstanding message per connection). Every message has its own control id and patient
/// identifier (PID-3), so each AA means one Patient committed.
/// </summary>
public static class MllpLoad
{
    /// <summary>
    /// mllp-load: --port P --connections C --seconds S [--warmup W] [--server-pid PID]; prints messages/s, ACK latency (p50,
    /// p99) and, given the server's pid, its CPU per message. The first W seconds are sent but not measured: the server's
    /// JIT compiles and tiers up its hot paths then, which would otherwise weigh on a short run's CPU per message.
    /// </summary>
    public static async Task<int> LoadAsync(CommandLineOptions options)
    {
        var port = options.Number("port", 2575);
        var connections = options.Number("connections", 8);
        var serverPid = options.Number("server-pid", 0);
        var run = Guid.NewGuid().ToString("N")[..8];
        var clients = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => MllpClient.ConnectAsync("127.0.0.1", port)));
        try
        {
            var sent = new int[connections];
            await SendForAsync(clients, sent, run, options.Number("warmup", 0), null);
            var latency = new LatencyRecorder();
            var cpuBefore = ServerCpu.Of(serverPid);
            var started = Stopwatch.StartNew();
            var (accepted, refused) = await SendForAsync(clients, sent, run, options.Number("seconds", 10), latency);
            var seconds = started.Elapsed.TotalSeconds;
            var cpu = ServerCpu.Of(serverPid) - cpuBefore;
            Console.WriteLine($"ADT^A08 over {connections} connections: {accepted / seconds:F0} messages/s AA ({accepted} in {seconds:F1} s, {refused} not AA), " +
                $"ACK latency p50 {latency.Percentile(50):F1} ms, p99 {latency.Percentile(99):F1} ms" +
                (serverPid > 0 && accepted > 0 ? $"; server CPU {cpu.TotalMilliseconds / accepted:F2} ms a message" : ""));
            return refused == 0 && accepted > 0 ? 0 : 1;
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    /// <summary>Every connection sends for the given seconds, one message at a time; ACKs are counted (and timed, given a recorder).</summary>
    private static async Task<(long Accepted, long Refused)> SendForAsync(MllpClient[] clients, int[] sent, string run, int seconds, LatencyRecorder? latency)
    {
        long accepted = 0, refused = 0;
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * seconds;
        await Task.WhenAll(clients.Select(async (client, c) =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var start = Stopwatch.GetTimestamp();
                var ack = await client.SendAsync(Adt08($"{run}-{c}-{sent[c]++}"));
                latency?.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (AckCode(ack) == "AA") Interlocked.Increment(ref accepted); else Interlocked.Increment(ref refused);
            }
        }));
        return (accepted, refused);
    }

    /// <summary>mllp-stream: --port P --connections C --log F --max-seconds S; appends "control-id" to F for every AA, until a connection fails.</summary>
    public static async Task<int> StreamAsync(CommandLineOptions options)
    {
        var port = options.Number("port", 2575);
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * options.Number("max-seconds", 60);
        await using var log = new StreamWriter(options.Required("log"), append: true) { AutoFlush = true };
        var run = Guid.NewGuid().ToString("N")[..8];
        await Task.WhenAll(Enumerable.Range(0, options.Number("connections", 8)).Select(async c =>
        {
            try
            {
                await using var client = await MllpClient.ConnectAsync("127.0.0.1", port);
                for (var i = 0; Stopwatch.GetTimestamp() < until; i++)
                {
                    var id = $"{run}-{c}-{i}";
                    if (AckCode(await client.SendAsync(Adt08(id))) == "AA")
                        lock (log) log.WriteLine(id); // written only after the AA arrived
                }
            }
            catch (Exception e) when (e is MllpException or IOException or System.Net.Sockets.SocketException or TimeoutException) { }
        }));
        return 0;
    }

    /// <summary>check-mllp: --base URL --log F; every logged id must be a mapped message whose Patient exists.</summary>
    public static async Task<int> CheckAsync(CommandLineOptions options)
    {
        var baseUrl = options.Required("base").TrimEnd('/');
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var ids = File.ReadAllLines(options.Required("log")).Where(l => l.Length > 0).ToList();
        var missing = 0;
        foreach (var id in ids)
        {
            var messages = await http.GetStringAsync($"{baseUrl}/$hl7v2-messages?patient={id}&status=mapped");
            var patients = await http.GetStringAsync($"{baseUrl}/Patient?identifier={id}&_summary=count");
            if (!messages.Contains($"\"controlId\":\"{id}\"", StringComparison.Ordinal) || !patients.Contains("\"total\":1", StringComparison.Ordinal))
            {
                missing++;
                Console.Error.WriteLine($"acknowledged AA but missing after restart: {id}");
            }
        }
        Console.WriteLine($"acknowledged {ids.Count}, missing {missing}");
        return missing == 0 && ids.Count > 0 ? 0 : 1;
    }

    /// <summary>
    /// mllp-bare: --port P; an MLLP listener that parses every message and answers it AA, mapping and storing nothing: the
    /// ceiling mllp-load's figures are read against — the same client, loopback, framing, ER7 parse and ACK on this
    /// machine at that moment. Runs until stopped.
    /// </summary>
    public static async Task<int> BareAsync(CommandLineOptions options)
    {
        await using var listener = new MllpListener(new MllpListenerOptions { Port = options.Number("port", 0) },
            (message, _) => ValueTask.FromResult<ReadOnlyMemory<byte>>(
                AckBuilder.Build(Er7Parser.Parse(message.ToArray()), FhirPractice.Hl7v2.Mllp.AckCode.AA).EncodeBytes()));
        await listener.RunAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>An ADT^A08 whose control id and PID-3 are both <paramref name="id"/>.</summary>
    private static byte[] Adt08(string id) => Encoding.ASCII.GetBytes(
        $"MSH|^~\\&|LOADHARNESS|BENCH|FHIRPRACTICE|PRACTICE|20240501120000||ADT^A08^ADT_A01|{id}|P|2.5.1\r" +
        "EVN|A08|20240501120000\r" +
        $"PID|1||{id}^^^BENCH^MR||Load^Harness||19700101|F|||1 Main St^^Springfield^IL^62701\r" +
        "PV1|1|O\r");

    private static string? AckCode(byte[] ack) => Er7Parser.Parse(ack).Get("MSA-1");
}
