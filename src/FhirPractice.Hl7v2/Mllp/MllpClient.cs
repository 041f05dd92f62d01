using System.Net.Security;
using System.Net.Sockets;

namespace FhirPractice.Hl7v2.Mllp;

public sealed class MllpClientOptions
{
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="MllpClient.SendAsync"/> waits for the response frame.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public int MaxFrameLength { get; set; } = MllpFraming.DefaultMaxFrameLength;

    /// <summary>When set, the connection is TLS with these options (TargetHost, certificate validation, ...).</summary>
    public SslClientAuthenticationOptions? Tls { get; set; }

    /// <summary>Framing problems in what the server sends (they are skipped, like on the server).</summary>
    public Action<MllpFramingError>? OnFramingError { get; set; }
}

/// <summary>
/// An MLLP client over one TCP (optionally TLS) connection: <see cref="SendAsync"/> sends a message framed
/// and waits for the framed response; call it as often as needed to reuse the connection. Concurrent calls
/// are queued, since MLLP allows one outstanding message per connection.
/// <para>
/// After a response timeout, a cancellation or an I/O failure the connection is closed, since a late
/// response would otherwise be taken as the answer to the next message; later calls throw
/// <see cref="MllpException"/> and the caller connects again.
/// </para>
/// </summary>
public sealed class MllpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly MllpFrameReader _reader;
    private readonly MllpClientOptions _options;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private volatile bool _broken;

    private MllpClient(Socket socket, Stream stream, MllpClientOptions options)
    {
        _socket = socket;
        _stream = stream;
        _options = options;
        _reader = new MllpFrameReader(stream, options.MaxFrameLength, options.OnFramingError);
    }

    /// <summary>False once the connection was closed after a failure, or disposed.</summary>
    public bool IsConnected => !_broken;

    public static async Task<MllpClient> ConnectAsync(string host, int port, MllpClientOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new MllpClientOptions();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
                stream = new NetworkStream(socket, ownsSocket: true);
                if (options.Tls is { } tls)
                {
                    var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                    stream = ssl;
                    await ssl.AuthenticateAsClientAsync(tls, timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Connecting to {host}:{port} took longer than {options.ConnectTimeout}.");
            }
            return new MllpClient(socket, stream, options);
        }
        catch
        {
            if (stream is not null) await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> (without block characters) framed and returns the response message.
    /// Throws <see cref="TimeoutException"/> when no response comes within the timeout and
    /// <see cref="MllpException"/> when the server closes the connection instead of answering.
    /// </summary>
    public async Task<byte[]> SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_broken) throw new MllpException("The connection is closed.");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ResponseTimeout);
            try
            {
                await MllpFraming.WriteFrameAsync(_stream, message, timeout.Token).ConfigureAwait(false);
                return await _reader.ReadFrameAsync(timeout.Token).ConfigureAwait(false)
                    ?? throw new MllpException("The server closed the connection without responding.");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Break();
                throw new TimeoutException($"No response within {_options.ResponseTimeout}.");
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                Break();
                throw new MllpException($"The connection failed: {e.Message}", e);
            }
            catch
            {
                Break();
                throw;
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _broken = true;
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    private void Break()
    {
        _broken = true;
        _stream.Dispose();
    }
}
