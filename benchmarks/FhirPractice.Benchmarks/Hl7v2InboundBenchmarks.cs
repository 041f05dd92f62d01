using System.Diagnostics;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Inbound;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Hl7v2.Mllp;
using FhirPractice.Security.Audit;
using FhirPractice.Security.Enforcement;
using FhirPractice.Storage.Sqlite;
using FhirPractice.Storage.Sqlite.Hl7v2;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Benchmarks;

/// <summary>
/// The HL7 v2 inbound path in one process, as the server wires it (engine, SQLite store and message store,
/// SMART enforcement, the audit trail): ADT^A08 messages over <see cref="Connections"/> loopback MLLP connections,
/// each waiting for its ACK — framed, parsed, stored, mapped, committed, ACKed. One invocation is a batch of
/// <see cref="Batch"/> messages, so Mean is per message (OperationsPerInvoke). <see cref="Patients"/>: <c>new</c>
/// gives every message its own PID-3 (a Patient created each time, as mllp-load.sh sends), <c>unchanged</c> resends
/// the same demographics of one of 64 patients (the common A08 that changes nothing).
/// <para>
/// The machine is shared, so wall time is noisy: the run also prints the process CPU per message
/// (<c>// CPU per message: … ms</c>), the figure to compare between builds. Every ACK must be AA, else the run fails.
/// </para>
/// </summary>
public class Hl7v2InboundBenchmarks
{
    private const int Batch = 256;

    [Params(8)] public int Connections { get; set; }

    [Params("new", "unchanged")] public string Patients { get; set; } = "new";

    private string _folder = null!;
    private ServiceProvider _services = null!;
    private MllpListener _listener = null!;
    private MllpClient[] _clients = null!;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private long _sent, _sentAtStart;
    private TimeSpan _cpuAtStart;

    [GlobalSetup]
    public void Setup()
    {
        _folder = BenchmarkEngine.NewFolder();
        var sqlite = new SqliteStoreOptions { Path = Path.Combine(_folder, "fhir.db") };
        _services = BenchmarkEngine.Services(sqlite)
            .AddSingleton(TimeProvider.System)
            .AddSmartEnforcement(new SmartEnforcementOptions())
            .AddAuditTrail(new AuditOptions())
            .AddSingleton<IMessageMapper>(new V2ToFhirMapper())
            .AddSqliteMessageStore(sqlite)
            .AddHl7v2Inbound(new InboundOptions())
            .BuildServiceProvider();
        var pipeline = _services.GetRequiredService<InboundPipeline>();
        _listener = new MllpListener(new MllpListenerOptions { Port = 0 }, pipeline.HandleAsync);
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndPoint).Port;
        _clients = Enumerable.Range(0, Connections).Select(_ => MllpClient.ConnectAsync("127.0.0.1", port).GetAwaiter().GetResult()).ToArray();
        // A batch before the CPU clock starts, so JIT compilation and first-use caches stay out of the figure.
        AdtA08().GetAwaiter().GetResult();
        _sentAtStart = _sent;
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task AdtA08() => Task.WhenAll(_clients.Select(async (client, c) =>
    {
        for (var i = c; i < Batch; i += _clients.Length)
        {
            var n = Interlocked.Increment(ref _sent);
            var patient = Patients == "new" ? $"{_run}-{n}" : $"{_run}-{n % 64}";
            var ack = Er7Parser.Parse(await client.SendAsync(AdtA08Message($"{_run}-{n}", patient)));
            if (ack.Get("MSA-1") != "AA")
                throw new InvalidOperationException($"{ack.Get("MSA-1")}: {ack.Get("ERR-8") ?? ack.Get("MSA-3")}");
        }
    }));

    [GlobalCleanup]
    public void Cleanup()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        var measured = _sent - _sentAtStart;
        Console.WriteLine($"// CPU per message: {cpu.TotalMilliseconds / Math.Max(1, measured):F3} ms ({measured} messages, {cpu.TotalSeconds:F1} s CPU, client included)");
        foreach (var client in _clients) client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _listener.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchmarkEngine.Remove(_services, _folder);
    }

    /// <summary>An ADT^A08 as mllp-load.sh sends it: control id <paramref name="controlId"/>, PID-3 <paramref name="patient"/>.</summary>
    private static byte[] AdtA08Message(string controlId, string patient) => Encoding.ASCII.GetBytes(
        $"MSH|^~\\&|BENCH|BENCH|FHIRPRACTICE|PRACTICE|20240501120000||ADT^A08^ADT_A01|{controlId}|P|2.5.1\r" +
        "EVN|A08|20240501120000\r" +
        $"PID|1||{patient}^^^BENCH^MR||Load^Harness||19700101|F|||1 Main St^^Springfield^IL^62701\r" +
        "PV1|1|O\r");
}
