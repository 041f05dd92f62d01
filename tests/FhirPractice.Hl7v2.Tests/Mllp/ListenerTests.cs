using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FhirPractice.Fhir.Tests;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Tests.Mllp;

/// <summary>Listener and client over loopback (127.0.0.1, ephemeral ports); every wait is bounded.</summary>
public class ListenerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private const string InlineAdt =
        "MSH|^~\\&|ADT1|GOOD HEALTH HOSPITAL|GHH LAB|GHH|198808181126|SECURITY|ADT^A01^ADT_A01|MSG00001|P|2.5.1\r" +
        "EVN|A01|200708181123\r" +
        "PID|1||PATID1234^^^GOOD HEALTH HOSPITAL^MR||EVERYMAN^ADAM^A^III||19610615|M||2106-3|2222 HOME STREET^^GREENSBORO^NC^27401-1020\r" +
        "PV1|1|I|2000^2012^01||||004777^ATTEND^AARON^A|||SUR||||ADM|A0\r";

    private static byte[] AdtMessage()
    {
        if (Corpus.Find("hl7v2-ms-fhir-converter/messages/ADT-A01-01.hl7") is { } file)
            return Er7Parser.Parse(File.ReadAllBytes(file)).EncodeBytes();
        return Encoding.ASCII.GetBytes(InlineAdt);
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(ReadOnlyMemory<byte> b) => Encoding.UTF8.GetString(b.Span);

    /// <summary>A handler answering "ACK:" + the message text.</summary>
    private static ValueTask<ReadOnlyMemory<byte>> Echo(ReadOnlyMemory<byte> message, CancellationToken _) =>
        ValueTask.FromResult<ReadOnlyMemory<byte>>(B("ACK:" + S(message)));

    private static MllpListener Start(MllpMessageHandler handler, Action<MllpListenerOptions>? configure = null,
        ConcurrentQueue<MllpListenerError>? errors = null)
    {
        var options = new MllpListenerOptions { Address = IPAddress.Loopback, Port = 0, ShutdownGracePeriod = TimeSpan.FromSeconds(5) };
        if (errors is not null) options.OnError = errors.Enqueue;
        configure?.Invoke(options);
        var listener = new MllpListener(options, handler);
        listener.Start();
        return listener;
    }

    private static Task<MllpClient> Connect(MllpListener listener, MllpClientOptions? options = null) =>
        MllpClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, options ?? new MllpClientOptions { ResponseTimeout = Bound });

    private static async Task<TcpClient> ConnectRaw(MllpListener listener)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, listener.LocalEndPoint.Port).WaitAsync(Bound);
        return tcp;
    }

    /// <summary>Reads until the peer closes; true when it closed (rather than the bound passing).</summary>
    private static async Task<bool> ClosedByPeer(Stream stream, TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, cts.Token) > 0) { }
            return true;
        }
        catch (IOException) { return true; } // reset counts as closed
        catch (OperationCanceledException) { return false; }
    }

    [Fact]
    public async Task Adt_message_round_trips_with_an_ack_built_from_it()
    {
        var adt = AdtMessage();
        byte[]? received = null;
        await using var listener = Start((message, _) =>
        {
            received = message.ToArray();
            var parsed = Er7Parser.Parse(message.Span);
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(AckBuilder.Build(parsed, AckCode.AA).EncodeBytes());
        });
        await using var client = await Connect(listener);

        var response = await client.SendAsync(adt).WaitAsync(Bound);

        Assert.Equal(adt, received);
        var ack = Er7Parser.Parse(response);
        Assert.Equal("AA", ack.Get("MSA-1"));
        Assert.Equal(Er7Parser.Parse(adt).Get("MSH-10"), ack.Get("MSA-2"));
        Assert.Equal(Er7Parser.Parse(adt).Get("MSH-3"), ack.Get("MSH-5"));
    }

    [Fact]
    public async Task One_connection_carries_several_messages()
    {
        await using var listener = Start(Echo);
        await using var client = await Connect(listener);

        for (var i = 0; i < 10; i++)
            Assert.Equal($"ACK:m{i}", S(await client.SendAsync(B($"m{i}")).WaitAsync(Bound)));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Fifty_concurrent_clients_each_send_several_messages()
    {
        var handled = 0;
        var inHandler = 0;
        var maxInHandler = 0;
        await using var listener = Start(async (message, ct) =>
        {
            var now = Interlocked.Increment(ref inHandler);
            int seen;
            while ((seen = Volatile.Read(ref maxInHandler)) < now && Interlocked.CompareExchange(ref maxInHandler, now, seen) != seen) { }
            await Task.Delay(5, ct);
            Interlocked.Decrement(ref inHandler);
            Interlocked.Increment(ref handled);
            return B("ACK:" + S(message));
        });

        var clients = Enumerable.Range(0, 50).Select(async c =>
        {
            await using var client = await Connect(listener);
            for (var m = 0; m < 5; m++)
            {
                var text = $"client{c}-msg{m}";
                Assert.Equal("ACK:" + text, S(await client.SendAsync(B(text))));
            }
        });
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(250, handled);
        Assert.True(maxInHandler > 1, "connections should be served concurrently");
    }

    [Fact]
    public async Task Idle_connection_is_closed_after_the_idle_timeout()
    {
        var errors = new ConcurrentQueue<MllpListenerError>();
        await using var listener = Start(Echo, o => o.IdleTimeout = TimeSpan.FromMilliseconds(300), errors);
        using var silent = await ConnectRaw(listener);

        Assert.True(await ClosedByPeer(silent.GetStream(), Bound), "the silent connection should have been closed");
        Assert.Contains(errors, e => e.Kind == MllpListenerErrorKind.IdleTimeout);
        await WaitUntil(() => listener.ConnectionCount == 0);
    }

    [Fact]
    public async Task Peer_trickling_a_frame_slower_than_the_idle_timeout_is_cut_off()
    {
        var errors = new ConcurrentQueue<MllpListenerError>();
        await using var listener = Start(Echo, o => o.IdleTimeout = TimeSpan.FromMilliseconds(500), errors);
        using var raw = await ConnectRaw(listener);
        var stream = raw.GetStream();

        var closed = ClosedByPeer(stream, Bound);
        try
        {
            await stream.WriteAsync(new[] { MllpFraming.StartBlock });
            for (var i = 0; i < 100 && !closed.IsCompleted; i++)
            {
                await stream.WriteAsync("x"u8.ToArray());
                await Task.Delay(50);
            }
        }
        catch (IOException) { }

        Assert.True(await closed);
        Assert.Contains(errors, e => e.Kind == MllpListenerErrorKind.IdleTimeout);
    }

    [Fact]
    public async Task Frame_written_one_byte_at_a_time_over_tcp_is_answered()
    {
        await using var listener = Start(Echo);
        using var raw = await ConnectRaw(listener);
        raw.NoDelay = true;
        var stream = raw.GetStream();

        foreach (var b in MllpFraming.Frame(B("MSH|^~\\&|SLOW\r")).Concat(MllpFraming.Frame(B("second"))))
        {
            await stream.WriteAsync(new[] { b });
            await stream.FlushAsync();
        }
        var reader = new MllpFrameReader(stream);
        using var cts = new CancellationTokenSource(Bound);

        Assert.Equal("ACK:MSH|^~\\&|SLOW\r", S(await reader.ReadFrameAsync(cts.Token)));
        Assert.Equal("ACK:second", S(await reader.ReadFrameAsync(cts.Token)));
    }

    [Fact]
    public async Task Connections_beyond_the_maximum_are_closed_and_reported()
    {
        var errors = new ConcurrentQueue<MllpListenerError>();
        await using var listener = Start(Echo, o => o.MaxConnections = 1, errors);
        await using var first = await Connect(listener);
        Assert.Equal("ACK:1", S(await first.SendAsync(B("1")).WaitAsync(Bound)));

        using var second = await ConnectRaw(listener);

        Assert.True(await ClosedByPeer(second.GetStream(), Bound));
        Assert.Contains(errors, e => e.Kind == MllpListenerErrorKind.ConnectionRefused);
        Assert.Equal("ACK:2", S(await first.SendAsync(B("2")).WaitAsync(Bound)));
    }

    [Fact]
    public async Task Idle_timeout_restarts_with_every_message()
    {
        await using var listener = Start(Echo, o => o.IdleTimeout = TimeSpan.FromSeconds(3));
        await using var client = await Connect(listener);

        // 13 messages 500 ms apart: 6.5 s in all, over twice the idle timeout, yet never idle for 3 s (a margin a busy
        // CI machine's scheduling cannot eat, as it did the 1 s margin of a 1.5 s timeout).
        for (var i = 0; i < 13; i++)
        {
            Assert.Equal($"ACK:{i}", S(await client.SendAsync(B($"{i}")).WaitAsync(Bound)));
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task Handler_exception_answers_nothing_for_that_message_and_spares_the_connection_and_others()
    {
        var errors = new ConcurrentQueue<MllpListenerError>();
        await using var listener = Start((message, ct) =>
            S(message) == "BOOM" ? throw new InvalidOperationException("handler failed") : Echo(message, ct), errors: errors);
        using var raw = await ConnectRaw(listener);
        await using var other = await Connect(listener);
        var stream = raw.GetStream();

        await stream.WriteAsync(MllpFraming.Frame(B("BOOM")).Concat(MllpFraming.Frame(B("after"))).ToArray());
        var reader = new MllpFrameReader(stream);
        using var cts = new CancellationTokenSource(Bound);

        Assert.Equal("ACK:after", S(await reader.ReadFrameAsync(cts.Token)));
        Assert.Equal("ACK:x", S(await other.SendAsync(B("x")).WaitAsync(Bound)));
        var error = Assert.Single(errors);
        Assert.Equal(MllpListenerErrorKind.HandlerFailed, error.Kind);
        Assert.IsType<InvalidOperationException>(error.Exception);
    }

    [Fact]
    public async Task Framing_errors_are_reported_and_the_connection_carries_on()
    {
        var errors = new ConcurrentQueue<MllpListenerError>();
        await using var listener = Start(Echo, o => o.MaxFrameLength = 100, errors);
        using var raw = await ConnectRaw(listener);
        var stream = raw.GetStream();

        await stream.WriteAsync(B("junk\r\n").Concat(MllpFraming.Frame(new byte[1000])).Concat(MllpFraming.Frame(B("fine"))).ToArray());
        using var cts = new CancellationTokenSource(Bound);

        Assert.Equal("ACK:fine", S(await new MllpFrameReader(stream).ReadFrameAsync(cts.Token)));
        Assert.Equal([MllpFramingErrorKind.Garbage, MllpFramingErrorKind.Oversize], errors.Select(e => e.Framing!.Kind));
    }

    [Fact]
    public async Task Stop_lets_in_flight_messages_finish_and_closes_open_connections()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = Start(async (message, ct) =>
        {
            entered.TrySetResult();
            await Task.Delay(500, ct);
            return B("ACK:" + S(message));
        });
        var idle = new List<TcpClient>();
        for (var i = 0; i < 3; i++) idle.Add(await ConnectRaw(listener));
        await using var busy = await Connect(listener);
        await WaitUntil(() => listener.ConnectionCount == 4);

        var send = busy.SendAsync(B("slow"));
        await entered.Task.WaitAsync(Bound);
        var stop = listener.StopAsync();

        Assert.Equal("ACK:slow", S(await send.WaitAsync(Bound)));
        await stop.WaitAsync(Bound);
        foreach (var tcp in idle)
        {
            Assert.True(await ClosedByPeer(tcp.GetStream(), Bound));
            tcp.Dispose();
        }
        Assert.Equal(0, listener.ConnectionCount);
        await Assert.ThrowsAnyAsync<SocketException>(() => MllpClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port));
        await listener.DisposeAsync();
    }

    [Fact]
    public async Task Stop_cancels_handlers_that_outlast_the_grace_period()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = Start(async (_, ct) =>
        {
            entered.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { cancelled.TrySetResult(); throw; }
            return ReadOnlyMemory<byte>.Empty;
        }, o => o.ShutdownGracePeriod = TimeSpan.FromMilliseconds(200));
        await using var client = await Connect(listener);

        var send = client.SendAsync(B("forever"));
        await entered.Task.WaitAsync(Bound);
        await listener.StopAsync().WaitAsync(Bound);

        await cancelled.Task.WaitAsync(Bound);
        await Assert.ThrowsAsync<MllpException>(() => send.WaitAsync(Bound));
        await listener.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_serves_until_its_token_is_cancelled()
    {
        var listener = new MllpListener(new MllpListenerOptions(), Echo);
        using var cts = new CancellationTokenSource();
        var run = listener.RunAsync(cts.Token);
        await using (var client = await Connect(listener))
            Assert.Equal("ACK:hi", S(await client.SendAsync(B("hi")).WaitAsync(Bound)));

        cts.Cancel();
        await run.WaitAsync(Bound);
    }

    [Fact]
    public async Task Client_times_out_and_drops_the_connection_when_no_response_comes()
    {
        await using var listener = Start(async (m, ct) =>
        {
            await Task.Delay(S(m) == "slow" ? 3000 : 0, ct);
            return B("late");
        });
        await using var client = await Connect(listener, new MllpClientOptions { ResponseTimeout = TimeSpan.FromMilliseconds(200) });

        await Assert.ThrowsAsync<TimeoutException>(() => client.SendAsync(B("slow")).WaitAsync(Bound));
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<MllpException>(() => client.SendAsync(B("next")).WaitAsync(Bound));
    }

    [Fact]
    public async Task Empty_response_sends_nothing()
    {
        await using var listener = Start((m, ct) => S(m) == "quiet" ? ValueTask.FromResult(ReadOnlyMemory<byte>.Empty) : Echo(m, ct));
        using var raw = await ConnectRaw(listener);
        var stream = raw.GetStream();
        await stream.WriteAsync(MllpFraming.Frame(B("quiet")).Concat(MllpFraming.Frame(B("loud"))).ToArray());
        using var cts = new CancellationTokenSource(Bound);

        Assert.Equal("ACK:loud", S(await new MllpFrameReader(stream).ReadFrameAsync(cts.Token)));
    }

    [Fact]
    public async Task Tls_round_trip_with_a_server_certificate()
    {
        using var certificate = SelfSigned();
        await using var listener = Start(Echo, o => o.ServerCertificate = certificate);
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == certificate.GetCertHashString(),
        };
        await using var client = await MllpClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port,
            new MllpClientOptions { Tls = tls, ResponseTimeout = Bound }).WaitAsync(Bound);

        Assert.Equal("ACK:secret", S(await client.SendAsync(B("secret")).WaitAsync(Bound)));
        Assert.Equal("ACK:again", S(await client.SendAsync(B("again")).WaitAsync(Bound)));
    }

    [Fact]
    public async Task Plain_client_against_a_tls_listener_fails_the_handshake_and_is_reported()
    {
        using var certificate = SelfSigned();
        var errors = new ConcurrentQueue<MllpListenerError>();
        await using var listener = Start(Echo, o =>
        {
            o.ServerCertificate = certificate;
            o.TlsHandshakeTimeout = TimeSpan.FromSeconds(5);
        }, errors);
        await using var client = await Connect(listener, new MllpClientOptions { ResponseTimeout = TimeSpan.FromSeconds(10) });

        await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(B("plain")).WaitAsync(Bound));
        await WaitUntil(() => errors.Any(e => e.Kind == MllpListenerErrorKind.TlsHandshakeFailed));
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Round trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
