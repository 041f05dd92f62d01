using System.Buffers;
using System.IO.Pipelines;

namespace FhirPractice.Hl7v2.Mllp;

/// <summary>
/// Reads MLLP frames from a stream, one message at a time, with the rules of <see cref="MllpFrameDecoder"/>:
/// framing errors are reported to the callback and skipped, so a connection survives a bad frame.
/// Reads from a <see cref="Stream"/> or a <see cref="PipeReader"/>.
/// </summary>
public sealed class MllpFrameReader
{
    private readonly Stream? _stream;
    private readonly PipeReader? _pipe;
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

    public MllpFrameReader(PipeReader pipe, int maxFrameLength = MllpFraming.DefaultMaxFrameLength,
        Action<MllpFramingError>? onError = null)
    {
        _pipe = pipe;
        _decoder = new MllpFrameDecoder(maxFrameLength, onError);
        _buffer = [];
    }

    /// <summary>True while a frame has begun but not ended.</summary>
    public bool InFrame => _decoder.InFrame;

    /// <summary>
    /// The next message (without block characters), or null at end of stream. An unfinished frame at end
    /// of stream is reported as <see cref="MllpFramingErrorKind.Truncated"/> before null is returned.
    /// </summary>
    public async ValueTask<byte[]?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        if (_pipe is not null) return await ReadFromPipeAsync(_pipe, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            if (_start < _end)
            {
                _start += _decoder.Decode(_buffer.AsSpan(_start, _end - _start), out var frame);
                if (frame is not null) return frame;
                continue;
            }
            _start = 0;
            _end = await _stream!.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                _decoder.Complete();
                return null;
            }
        }
    }

    private async ValueTask<byte[]?> ReadFromPipeAsync(PipeReader pipe, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            // The decoder consumes everything it examines, so consumed and examined are the same position.
            var consumed = Decode(buffer, out var frame);
            pipe.AdvanceTo(buffer.GetPosition(consumed));
            if (frame is not null) return frame;
            if (result.IsCompleted || result.IsCanceled)
            {
                _decoder.Complete();
                return null;
            }
        }
    }

    private long Decode(ReadOnlySequence<byte> buffer, out byte[]? frame)
    {
        frame = null;
        long consumed = 0;
        foreach (var segment in buffer)
        {
            var span = segment.Span;
            while (!span.IsEmpty)
            {
                var used = _decoder.Decode(span, out frame);
                consumed += used;
                span = span[used..];
                if (frame is not null) return consumed;
            }
        }
        return consumed;
    }
}
