using FhirPractice.Fhir.Storage;
using FhirPractice.Hl7v2.Outbound;

namespace FhirPractice.Server.Hosting;

/// <summary>Runs one <see cref="DestinationSender"/> per configured HL7 v2 destination while the server runs; messages left queued at stop are sent after the next start.</summary>
public sealed class Hl7v2OutboundService(OutboundOptions options, IResourceStore store, OutboundMessageBuilder builder, OutboundWakeUp wakeUp,
    TimeProvider clock, ILoggerFactory logs) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Destinations.Keys.Select(name => Task.Run(async () =>
        {
            await using var sender = new DestinationSender(name, store, options, builder, wakeUp, clock, logs.CreateLogger("FhirPractice.Hl7v2.Outbound"));
            await sender.RunAsync(stoppingToken);
        }, stoppingToken)));
}
