using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace FhirPractice.Hl7v2.Mllp;

/// <summary>
/// Handles one received message (without block characters) and returns the response to send back framed,
/// normally an ACK. An empty response sends nothing. The token is cancelled when the listener is stopped
/// and the shutdown grace period has run out.
/// </summary>
public delegate ValueTask<ReadOnlyMemory<byte>> MllpMessageHandler(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

/// <summary>
/// Handles one received message with the connection in hand: it may send several frames (an enhanced-mode
/// accept ACK before the work, the application ACK after it) or none, and may ask for the connection to be
/// closed (input with no header to answer). The listener reads the next message only once this returns.
/// </summary>
public delegate ValueTask MllpExchangeHandler(ReadOnlyMemory<byte> message, MllpExchange exchange, CancellationToken cancellationToken);

/// <summary>What an <see cref="MllpExchangeHandler"/> can do with the connection a message came in on.</summary>
public sealed class MllpExchange
{
    private readonly Stream _stream;

    internal MllpExchange(Stream stream, EndPoint? remote)
    {
        _stream = stream;
        Remote = remote;
    }

    public EndPoint? Remote { get; }

    /// <summary>Set by <see cref="Close"/>: the listener closes the connection once the handler returns.</summary>
    public bool CloseRequested { get; private set; }

    /// <summary>Writes <paramref name="response"/> framed, now.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> response, CancellationToken cancellationToken) =>
        MllpFraming.WriteFrameAsync(_stream, response, cancellationToken);

    /// <summary>Closes the connection after the handler returns (and after what it sent).</summary>
    public void Close() => CloseRequested = true;
}

public enum MllpListenerErrorKind
{
    /// <summary>A framing problem on a connection (<see cref="MllpListenerError.Framing"/> says which); the connection stays open.</summary>
    Framing,

    /// <summary>The handler threw: nothing is answered for that message and the connection stays open.</summary>
    HandlerFailed,

    /// <summary>A connection sent nothing for the idle timeout and was closed.</summary>
    IdleTimeout,

    /// <summary>The TLS handshake failed or timed out; the connection was closed.</summary>
    TlsHandshakeFailed,

    /// <summary>Reading or writing the connection failed (reset, broken pipe); the connection was closed.</summary>
    ConnectionFailed,

    /// <summary>The connection was refused because <see cref="MllpListenerOptions.MaxConnections"/> were open.</summary>
    ConnectionRefused,

    /// <summary>Accepting connections failed unexpectedly.</summary>
    AcceptFailed,
}

/// <summary>Something that went wrong on the listener; <see cref="Remote"/> is the peer when known.</summary>
public sealed record MllpListenerError(MllpListenerErrorKind Kind, EndPoint? Remote, string Message,
    Exception? Exception = null, MllpFramingError? Framing = null);

public sealed class MllpListenerOptions
{
    /// <summary>The address to bind; loopback by default.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>The port to bind; 0 picks a free one (see <see cref="MllpListener.LocalEndPoint"/>).</summary>
    public int Port { get; set; }

    /// <summary>
    /// A connection that does not complete a message within this long after connecting or after its previous
    /// message was answered is closed (so a silent peer, and a peer trickling bytes, are both cut off; time
    /// spent in the handler does not count). <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>On stop, how long in-flight messages get to finish before their handlers are cancelled and connections closed.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxFrameLength { get; set; } = MllpFraming.DefaultMaxFrameLength;

    /// <summary>Connections beyond this many are closed at once (and reported).</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>When set, every connection is TLS (MLLP over TLS) with this certificate, which must have its private key.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>How long a client gets to finish the TLS handshake.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Told about every problem: framing errors, handler exceptions, idle timeouts, failed connections.
    /// Called from connection tasks, possibly concurrently; it must not throw (what it throws is ignored).
    /// </summary>
    public Action<MllpListenerError>? OnError { get; set; }
}

/// <summary>
/// An MLLP server: accepts TCP (optionally TLS) connections, reads framed messages on each, one after the
/// other, hands each to the <see cref="MllpMessageHandler"/> and writes its response framed. Connections
/// are served concurrently; on one connection messages are handled in order (MLLP is request/response).
/// <para>
/// A handler exception is reported to <see cref="MllpListenerOptions.OnError"/> and that message gets no
/// response; the connection and all others carry on. Handlers should therefore answer errors themselves
/// (an AE/AR ACK); the catch here is a last line of defence. ACKs are not built here: see <see cref="AckBuilder"/>.
/// </para>
/// <para>
/// Stopping (<see cref="StopAsync"/>, disposing, or cancelling the token given to <see cref="RunAsync"/>)
/// stops accepting, stops reading new messages, lets messages already being handled finish and get their
/// response for up to <see cref="MllpListenerOptions.ShutdownGracePeriod"/>, then cancels the handlers and
/// closes every connection.
/// </para>
/// </summary>
public sealed class MllpListener : IAsyncDisposable
{
    private readonly MllpListenerOptions _options;
    private readonly MllpExchangeHandler _handler;
    private readonly TcpListener _tcp;
    private readonly CancellationTokenSource _stopReading = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private long _nextConnectionId;
    private Task? _acceptLoop;
    private Task? _stopping;
    private readonly object _gate = new();

    /// <summary>A listener that answers every message with what <paramref name="handler"/> returns (nothing when empty).</summary>
    public MllpListener(MllpListenerOptions options, MllpMessageHandler handler)
        : this(options, Answering(handler ?? throw new ArgumentNullException(nameof(handler)))) { }

    public MllpListener(MllpListenerOptions options, MllpExchangeHandler handler)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _tcp = new TcpListener(options.Address, options.Port);
    }

    private static MllpExchangeHandler Answering(MllpMessageHandler handler) => async (message, exchange, cancellationToken) =>
    {
        var response = await handler(message, cancellationToken).ConfigureAwait(false);
        if (!response.IsEmpty) await exchange.SendAsync(response, cancellationToken).ConfigureAwait(false);
    };

    /// <summary>The bound address and port; valid after <see cref="Start"/>.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_tcp.LocalEndpoint;

    /// <summary>Connections open right now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds and starts accepting connections in the background.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_acceptLoop is not null) throw new InvalidOperationException("The listener is already started.");
            _tcp.Start();
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }
    }

    /// <summary>Starts, serves until <paramref name="stoppingToken"/> is cancelled, then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        Start();
        try { await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops gracefully (see the class remarks). Completes when every connection is closed. Safe to call
    /// more than once. <paramref name="cancellationToken"/> cuts the grace period short.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
            return _stopping ??= StopCoreAsync(cancellationToken);
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _stopReading.Cancel();
        _tcp.Stop();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);

        var all = Task.WhenAll(_connections.Values);
        try { await all.WaitAsync(_options.ShutdownGracePeriod, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        _abort.Cancel();
        try { await Task.WhenAll(_connections.Values).ConfigureAwait(false); }
        catch { /* connection tasks report their own failures */ }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopReading.Dispose();
        _abort.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopReading.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _tcp.AcceptSocketAsync(_stopReading.Token).ConfigureAwait(false); }
            catch (Exception) when (_stopReading.IsCancellationRequested) { return; }
            catch (SocketException e)
            {
                // A peer that reset before we accepted it, and the like: keep accepting.
                Report(new MllpListenerError(MllpListenerErrorKind.AcceptFailed, null, e.Message, e));
                continue;
            }
            catch (ObjectDisposedException) { return; }

            if (_connections.Count >= _options.MaxConnections)
            {
                Report(new MllpListenerError(MllpListenerErrorKind.ConnectionRefused, socket.RemoteEndPoint,
                    $"{_options.MaxConnections} connections already open"));
                socket.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var task = Task.Run(async () =>
            {
                await started.Task.ConfigureAwait(false);
                try { await ServeAsync(socket).ConfigureAwait(false); }
                finally { _connections.TryRemove(id, out _); }
            });
            _connections[id] = task;
            started.SetResult();
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint;
        socket.NoDelay = true;
        await using var network = new NetworkStream(socket, ownsSocket: true);
        Stream stream = network;
        try
        {
            if (_options.ServerCertificate is { } certificate)
            {
                var ssl = new SslStream(network, leaveInnerStreamOpen: false);
                stream = ssl;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopReading.Token);
                handshake.CancelAfter(_options.TlsHandshakeTimeout);
                try
                {
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate },
                        handshake.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    if (!_stopReading.IsCancellationRequested)
                        Report(new MllpListenerError(MllpListenerErrorKind.TlsHandshakeFailed, remote, e.Message, e));
                    return;
                }
            }

            var reader = new MllpFrameReader(stream, _options.MaxFrameLength, framing =>
                Report(new MllpListenerError(MllpListenerErrorKind.Framing, remote, framing.Message, Framing: framing)));

            using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stopReading.Token);
            while (true)
            {
                byte[]? message;
                idle.CancelAfter(_options.IdleTimeout);
                try { message = await reader.ReadFrameAsync(idle.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (_stopReading.IsCancellationRequested) { return; }
                catch (OperationCanceledException)
                {
                    Report(new MllpListenerError(MllpListenerErrorKind.IdleTimeout, remote,
                        $"nothing received for {_options.IdleTimeout}; closing"));
                    return;
                }
                if (message is null) return; // the peer closed
                idle.CancelAfter(Timeout.InfiniteTimeSpan);

                var exchange = new MllpExchange(stream, remote);
                try { await _handler(message, exchange, _abort.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested) { return; }
                catch (Exception e) when (e is not (IOException or SocketException or ObjectDisposedException))
                {
                    Report(new MllpListenerError(MllpListenerErrorKind.HandlerFailed, remote,
                        $"handler threw {e.GetType().Name}: {e.Message}; no response sent", e));
                    continue;
                }
                if (exchange.CloseRequested || _stopReading.IsCancellationRequested) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_abort.IsCancellationRequested)
                Report(new MllpListenerError(MllpListenerErrorKind.ConnectionFailed, remote, e.Message, e));
        }
        finally
        {
            if (stream != network) await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Report(MllpListenerError error)
    {
        try { _options.OnError?.Invoke(error); }
        catch { /* a faulty error callback must not take the listener down */ }
    }
}
