namespace FhirPractice.Hl7v2.Mllp;

/// <summary>
/// Reads MLLP frames from a stream, one message at a time, with the rules of <see cref="MllpFrameDecoder"/>:
/// framing errors are reported to the callback and skipped, so a connection survives a bad frame.
/// </summary>
public sealed class MllpFrameReader
{
    private readonly Stream _stream;
    private readonly MllpFrameDecoder _decoder;
    private readonly byte[] _buffer;
    private int _start, _end;

    public MllpFrameReader(Stream stream, int maxFrameLength = MllpFraming.DefaultMaxFrameLength,
        Action<MllpFramingError>? onError = null, int bufferSize = 16 * 1024)
    {
        _stream = stream;
        _decoder = new MllpFrameDecoder(maxFrameLength, onError);
        _buffer = new byte[bufferSize];
    }

    /// <summary>True while a frame has begun but not ended.</summary>
    public bool InFrame => _decoder.InFrame;

    /// <summary>
    /// The next message (without block characters), or null at end of stream. An unfinished frame at end
    /// of stream is reported as <see cref="MllpFramingErrorKind.Truncated"/> before null is returned.
    /// </summary>
    public async ValueTask<byte[]?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_start < _end)
            {
                _start += _decoder.Decode(_buffer.AsSpan(_start, _end - _start), out var frame);
                if (frame is not null) return frame;
                continue;
            }
            _start = 0;
            _end = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                _decoder.Complete();
                return null;
            }
        }
    }
}
