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
    /// <summary>mllp-load: --port P --connections C --seconds S; prints messages/s and ACK latency (p50, p99).</summary>
    public static async Task<int> LoadAsync(CommandLineOptions options)
    {
        var port = options.Number("port", 2575);
        var connections = options.Number("connections", 8);
        var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * options.Number("seconds", 10);
        var latency = new LatencyRecorder();
        var run = Guid.NewGuid().ToString("N")[..8];
        long accepted = 0, refused = 0;
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
        {
            await using var client = await MllpClient.ConnectAsync("127.0.0.1", port);
            for (var i = 0; Stopwatch.GetTimestamp() < until; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                var ack = await client.SendAsync(Adt08($"{run}-{c}-{i}"));
                latency.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                if (AckCode(ack) == "AA") Interlocked.Increment(ref accepted); else Interlocked.Increment(ref refused);
            }
        }));
        var seconds = started.Elapsed.TotalSeconds;
        Console.WriteLine($"ADT^A08 over {connections} connections: {accepted / seconds:F0} messages/s AA ({accepted} in {seconds:F1} s, {refused} not AA), " +
            $"ACK latency p50 {latency.Percentile(50):F1} ms, p99 {latency.Percentile(99):F1} ms");
        return refused == 0 && accepted > 0 ? 0 : 1;
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

    /// <summary>An ADT^A08 whose control id and PID-3 are both <paramref name="id"/>.</summary>
    private static byte[] Adt08(string id) => Encoding.ASCII.GetBytes(
        $"MSH|^~\\&|LOADHARNESS|BENCH|FHIRPRACTICE|PRACTICE|20240501120000||ADT^A08^ADT_A01|{id}|P|2.5.1\r" +
        "EVN|A08|20240501120000\r" +
        $"PID|1||{id}^^^BENCH^MR||Load^Harness||19700101|F|||1 Main St^^Springfield^IL^62701\r" +
        "PV1|1|O\r");

    private static string? AckCode(byte[] ack) => Er7Parser.Parse(ack).Get("MSA-1");
}
