namespace FhirPractice.Hl7v2.Mllp;

/// <summary>The MLLP (HL7 v2 Minimal Lower Layer Protocol, release 1/2) block characters.</summary>
public static class MllpFraming
{
    /// <summary>Start block, VT.</summary>
    public const byte StartBlock = 0x0B;

    /// <summary>End block, FS; on the wire always followed by <see cref="CarriageReturn"/>.</summary>
    public const byte EndBlock = 0x1C;

    public const byte CarriageReturn = 0x0D;

    /// <summary>The default largest message accepted: 1 MiB.</summary>
    public const int DefaultMaxFrameLength = 1024 * 1024;

    /// <summary><paramref name="message"/> framed: 0x0B, message, 0x1C 0x0D.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[message.Length + 3];
        framed[0] = StartBlock;
        message.CopyTo(framed.AsSpan(1));
        framed[^2] = EndBlock;
        framed[^1] = CarriageReturn;
        return framed;
    }

    /// <summary>Writes <paramref name="message"/> framed in one write, then flushes.</summary>
    public static async ValueTask WriteFrameAsync(Stream stream, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        await stream.WriteAsync(Frame(message.Span), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

public enum MllpFramingErrorKind
{
    /// <summary>Bytes other than whitespace outside a frame; discarded up to the next start block.</summary>
    Garbage,

    /// <summary>A frame longer than the configured maximum; discarded up to the next start block.</summary>
    Oversize,

    /// <summary>An end block 0x1C not followed by 0x0D; the frame is discarded up to the next start block.</summary>
    EndBlockWithoutCarriageReturn,

    /// <summary>A start block inside a frame: the unfinished frame is discarded and a new one begins.</summary>
    UnexpectedStartBlock,

    /// <summary>The stream ended inside a frame; the unfinished frame is discarded.</summary>
    Truncated,
}

/// <summary>A framing problem; <see cref="Offset"/> is the stream position (0-based) of the byte that showed it.</summary>
public sealed record MllpFramingError(MllpFramingErrorKind Kind, long Offset, string Message);

/// <summary>Thrown by <see cref="MllpFrameReader"/> in strict mode and by <see cref="MllpClient"/>.</summary>
public sealed class MllpException(string message, Exception? inner = null) : Exception(message, inner);
