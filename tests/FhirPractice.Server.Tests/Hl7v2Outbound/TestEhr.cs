using System.Collections.Concurrent;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2Outbound;

/// <summary>
/// An EHR at the far end of an outbound destination: an MLLP listener on a fixed port that records what it receives
/// and answers AA, or AE for the messages <see cref="Refuse"/> picks. It can be started late, as a destination that was down.
/// </summary>
public sealed class TestEhr : IAsyncDisposable
{
    private readonly ConcurrentQueue<Er7Message> _received = new();
    private MllpListener? _listener;

    public int Port { get; } = FreePorts.Next();

    public Func<Er7Message, bool> Refuse { get; set; } = _ => false;

    public IReadOnlyList<Er7Message> Received => _received.ToList();

    public TestEhr Start()
    {
        _listener = new MllpListener(new MllpListenerOptions { Port = Port, ShutdownGracePeriod = TimeSpan.FromSeconds(1) }, (bytes, _) =>
        {
            var message = Er7Parser.Parse(bytes.Span);
            _received.Enqueue(message);
            var ack = Refuse(message)
                ? AckBuilder.Build(message, AckCode.AE, "unknown patient", new AckError("PID", 1, 3, "204", "Unknown key identifier"))
                : AckBuilder.Build(message, AckCode.AA);
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(ack.EncodeBytes());
        });
        _listener.Start();
        return this;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived, then returns them all.</summary>
    public async Task<IReadOnlyList<Er7Message>> WaitForAsync(int count, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (_received.Count < count)
        {
            Assert.True(DateTime.UtcNow < until, $"{_received.Count} of {count} messages arrived in {seconds}s");
            await Task.Delay(50);
        }
        return Received;
    }

    /// <summary>Server settings for one destination named <paramref name="name"/> at this EHR, with quick retries.</summary>
    public (string Key, string Value)[] Settings(string events, string name = "ehr", string onRejected = "Skip", string patientEvents = "A08") =>
    [
        ($"FhirPractice:Hl7v2:Outbound:Destinations:{name}:PatientEvents", patientEvents),
        ($"FhirPractice:Hl7v2:Outbound:Destinations:{name}:Host", "127.0.0.1"),
        ($"FhirPractice:Hl7v2:Outbound:Destinations:{name}:Port", Port.ToString()),
        ($"FhirPractice:Hl7v2:Outbound:Destinations:{name}:Events", events),
        ($"FhirPractice:Hl7v2:Outbound:Destinations:{name}:ReceivingApplication", "EHR"),
        ($"FhirPractice:Hl7v2:Outbound:Destinations:{name}:OnRejected", onRejected),
        ("FhirPractice:Hl7v2:Outbound:SendingApplication", "FHIRPRACTICE"),
        ("FhirPractice:Hl7v2:Outbound:SendingFacility", "CLINIC"),
        ("FhirPractice:Hl7v2:Outbound:InitialRetryDelay", "00:00:00.100"),
        ("FhirPractice:Hl7v2:Outbound:MaxRetryDelay", "00:00:00.400"),
        ("FhirPractice:Hl7v2:Outbound:PollInterval", "00:00:01"),
        ("FhirPractice:Hl7v2:Outbound:ConnectTimeout", "00:00:02"),
    ];

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync();
    }
}
