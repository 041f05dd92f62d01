using FhirPractice.Hl7v2.Inbound;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Server.Hosting;

/// <summary>
/// Runs the inbound HL7 v2 bridge: at start, processes the messages a crash left in status received; when
/// an MLLP port is configured, listens on it until the host stops (then lets in-flight messages finish).
/// </summary>
public sealed class MllpBridgeService(IServiceProvider services, MllpOptions options, ILogger<MllpBridgeService> log) : IHostedService
{
    private MllpListener? _listener;
    private Task? _recovery;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Port <= 0) return Task.CompletedTask;
        var pipeline = services.GetRequiredService<InboundPipeline>();

        _recovery = Task.Run(async () =>
        {
            var count = await pipeline.RecoverAsync(CancellationToken.None);
            if (count > 0) log.LogInformation("Processed {Count} HL7 v2 messages left in status received", count);
        }, CancellationToken.None).ContinueWith(t => log.LogError("HL7 v2 recovery failed: {Exception}", t.Exception?.GetBaseException().GetType().Name),
            TaskContinuationOptions.OnlyOnFaulted);

        var listenerOptions = options.ToListenerOptions();
        // Kinds and peers only: no message content (PHI) in logs.
        listenerOptions.OnError = e => log.LogWarning("MLLP {Kind} from {Remote}", e.Kind, e.Remote);
        _listener = new MllpListener(listenerOptions, pipeline.HandleAsync);
        _listener.Start();
        log.LogInformation("MLLP listening on {EndPoint}{Tls}", _listener.LocalEndPoint, listenerOptions.ServerCertificate is null ? "" : " (TLS)");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null)
        {
            await _listener.StopAsync(cancellationToken);
            await _listener.DisposeAsync();
        }
        if (_recovery is not null) await _recovery.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
