using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using FhirPractice.Fhir.Storage;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;
using Microsoft.Extensions.Logging;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// Delivers one destination's queue in order, one message at a time over one kept-open MLLP connection:
/// <list type="bullet">
/// <item>AA or CA: sent; the next message follows.</item>
/// <item>AE, AR, CE or CR: failed (a dead letter, with the peer's reason); the queue goes on (<see cref="RejectedMessagePolicy.Skip"/>) or
/// stops at it until staff retry it (<see cref="RejectedMessagePolicy.Hold"/>).</item>
/// <item>No connection, no ACK in time, an unreadable ACK or one for another message: the same message again after a
/// backoff that doubles up to <see cref="OutboundOptions.MaxRetryDelay"/>; nothing behind it is sent meanwhile.</item>
/// </list>
/// The message is built once and kept before the first attempt, so every retry sends the same bytes and MSH-10.
/// Other destinations have their own sender and are not held up.
/// </summary>
public sealed class DestinationSender(string name, IResourceStore store, OutboundOptions options, OutboundMessageBuilder builder,
    OutboundWakeUp wakeUp, TimeProvider clock, ILogger logger) : IAsyncDisposable
{
    private readonly OutboundDestination _destination = options.Destinations[name];
    private MllpClient? _connection;

    private abstract record Delivery(string? Reason)
    {
        public sealed record Accepted() : Delivery((string?)null);
        public sealed record Rejected(string Why) : Delivery(Why);
        public sealed record Failed(string Why) : Delivery(Why);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TimeSpan wait;
            try { wait = await SendNextAsync(ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                // The store or the builder failed unexpectedly: the message stays queued; look again later.
                logger.LogError(e, "HL7 v2 outbound to {Destination}: the queue could not be processed", name);
                wait = options.PollInterval;
            }
            if (wait > TimeSpan.Zero) await wakeUp.WaitAsync(name, wait, ct);
        }
    }

    /// <summary>Handles the head of the queue; returns how long to wait before looking again (zero: at once).</summary>
    private async Task<TimeSpan> SendNextAsync(CancellationToken ct)
    {
        OutboxStatus[] blocking = _destination.OnRejected == RejectedMessagePolicy.Hold ? [OutboxStatus.Pending, OutboxStatus.Failed] : [OutboxStatus.Pending];
        var next = (await store.OutboxAsync(new OutboxQuery(name, blocking, null, 1), ct)).FirstOrDefault();
        if (next is null || next.Status == OutboxStatus.Failed) return options.PollInterval;
        var now = clock.GetUtcNow();
        if (next.NextAttempt is { } due && due > now) return due - now;

        if (next.Payload is null)
        {
            try { next = next with { Payload = await builder.BuildAsync(next, ct), Updated = now }; }
            catch (OutboundBuildException e)
            {
                await SaveAsync(next with { Status = OutboxStatus.Failed, LastError = e.Message, Updated = now }, ct);
                return TimeSpan.Zero;
            }
            await SaveAsync(next, ct);
        }

        var delivery = await DeliverAsync(next.Payload!, ct);
        now = clock.GetUtcNow();
        switch (delivery)
        {
            case Delivery.Accepted:
                await SaveAsync(next with { Status = OutboxStatus.Sent, NextAttempt = null, LastError = null, Updated = now }, ct);
                return TimeSpan.Zero;
            case Delivery.Rejected rejected:
                logger.LogWarning("HL7 v2 outbound to {Destination}: message {Id} refused", name, next.Id);
                await SaveAsync(next with { Status = OutboxStatus.Failed, NextAttempt = null, LastError = rejected.Why, Updated = now }, ct);
                return TimeSpan.Zero;
            default:
                var attempts = next.Attempts + 1;
                var delay = Backoff(attempts);
                logger.LogInformation("HL7 v2 outbound to {Destination}: attempt {Attempts} of message {Id} failed; next in {Delay}", name, attempts, next.Id, delay);
                await SaveAsync(next with { Attempts = attempts, NextAttempt = now + delay, LastError = delivery.Reason, Updated = now }, ct);
                return delay;
        }
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: doubling from the initial delay, capped.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var ticks = options.InitialRetryDelay.Ticks * Math.Pow(2, Math.Min(attempts - 1, 40));
        return ticks >= options.MaxRetryDelay.Ticks ? options.MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
    }

    private Task SaveAsync(OutboxMessage message, CancellationToken ct) => store.WriteAsync(tx =>
    {
        tx.SaveOutbox(message);
        return 0;
    }, ct);

    private async Task<Delivery> DeliverAsync(string payload, CancellationToken ct)
    {
        var controlId = Er7Parser.Parse(payload).Get("MSH-10");
        var bytes = Encoding.UTF8.GetBytes(payload);
        for (var attempt = 0; ; attempt++)
        {
            var reused = _connection is not null;
            try
            {
                _connection ??= await MllpClient.ConnectAsync(_destination.Host, _destination.Port, new MllpClientOptions
                {
                    ConnectTimeout = options.ConnectTimeout,
                    ResponseTimeout = options.AckTimeout,
                    Tls = _destination.Tls ? new SslClientAuthenticationOptions { TargetHost = _destination.Host } : null,
                }, ct);
                var delivery = Interpret(await _connection.SendAsync(bytes, ct), controlId);
                if (delivery is Delivery.Failed) await CloseAsync(); // out of step with the peer: start afresh
                return delivery;
            }
            catch (Exception e) when (e is MllpException or TimeoutException or SocketException or IOException or AuthenticationException)
            {
                await CloseAsync();
                // A kept-open connection the peer has closed meanwhile: once more at once, on a new one.
                if (reused && attempt == 0 && e is MllpException) continue;
                return new Delivery.Failed($"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    private static Delivery Interpret(byte[] response, string? controlId)
    {
        Er7Message ack;
        try { ack = Er7Parser.Parse(response); }
        catch (Er7ParseException e) { return new Delivery.Failed($"the answer is not an HL7 v2 message: {e.Message}"); }
        if (ack.Get("MSA-2") != controlId) return new Delivery.Failed($"the answer acknowledges '{ack.Get("MSA-2")}', not this message ({controlId})");
        var code = ack.Get("MSA-1");
        var why = string.Join("; ", new[] { ack.Get("MSA-3"), ack.Get("ERR-8"), ack.Get("ERR-3-2") }.Where(t => !string.IsNullOrEmpty(t)));
        return code switch
        {
            "AA" or "CA" => new Delivery.Accepted(),
            "AE" or "AR" or "CE" or "CR" => new Delivery.Rejected(why.Length == 0 ? code : $"{code}: {why}"),
            _ => new Delivery.Failed($"the answer has no acknowledgment code MSA-1 (found '{code}')"),
        };
    }

    private async Task CloseAsync()
    {
        if (_connection is null) return;
        await _connection.DisposeAsync();
        _connection = null;
    }

    public ValueTask DisposeAsync() => new(CloseAsync());
}
