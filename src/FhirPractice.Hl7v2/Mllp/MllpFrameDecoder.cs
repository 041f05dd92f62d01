using System.Buffers;

namespace FhirPractice.Hl7v2.Mllp;

/// <summary>
/// Incremental MLLP deframer: feed it bytes in pieces of any size (a frame may be split at any byte, and
/// one piece may hold several frames) and it hands back whole messages, without the block characters.
/// <para>Rules (MLLP release 1, HL7 v2.5.1 appendix C; 0x0B and 0x1C cannot occur inside a message):</para>
/// <list type="bullet">
/// <item>Between frames, CR, LF, space and tab are ignored silently (senders commonly add a newline).
/// Any other byte is <see cref="MllpFramingErrorKind.Garbage"/>: reported once per run, and everything
/// up to the next 0x0B is discarded.</item>
/// <item>0x1C must be followed by 0x0D. 0x1C followed by anything else is an error
/// (<see cref="MllpFramingErrorKind.EndBlockWithoutCarriageReturn"/>), never data: the frame is discarded
/// and the decoder resyncs to the next 0x0B (the byte after 0x1C is itself examined as that start).</item>
/// <item>0x0B inside a frame: the unfinished frame is reported
/// (<see cref="MllpFramingErrorKind.UnexpectedStartBlock"/>) and discarded, and a new frame starts.</item>
/// <item>A frame longer than <see cref="MaxFrameLength"/> is reported as soon as it passes the limit,
/// (<see cref="MllpFramingErrorKind.Oversize"/>) never buffered past it, and skipped to the next 0x0B.</item>
/// <item><see cref="Complete"/> at end of stream reports an unfinished frame as
/// <see cref="MllpFramingErrorKind.Truncated"/>.</item>
/// </list>
/// Errors go to the callback given at construction; the decoder always carries on.
/// </summary>
public sealed class MllpFrameDecoder(int maxFrameLength = MllpFraming.DefaultMaxFrameLength, Action<MllpFramingError>? onError = null)
{
    private enum State { Between, Garbage, InFrame, AfterEndBlock, Skipping }

    private readonly ArrayBufferWriter<byte> _frame = new();
    private State _state = State.Between;
    private long _offset;

    public int MaxFrameLength { get; } = maxFrameLength > 0 ? maxFrameLength : throw new ArgumentOutOfRangeException(nameof(maxFrameLength));

    /// <summary>Bytes fed so far.</summary>
    public long Position => _offset;

    /// <summary>True while inside a frame (between its 0x0B and its 0x1C 0x0D).</summary>
    public bool InFrame => _state is State.InFrame or State.AfterEndBlock;

    /// <summary>
    /// Consumes bytes from <paramref name="input"/> until a frame completes or the input runs out, and
    /// returns how many it consumed. <paramref name="frame"/> is the completed message (a new array the
    /// caller owns), or null when the input ran out first. Call again with the rest of the input.
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, out byte[]? frame)
    {
        frame = null;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Between:
                    if (b == MllpFraming.StartBlock) StartFrame();
                    else if (b is not ((byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t'))
                    {
                        Report(MllpFramingErrorKind.Garbage, $"byte 0x{b:X2} outside a frame; skipping to the next start block");
                        _state = State.Garbage;
                    }
                    break;

                case State.Garbage:
                case State.Skipping:
                    if (b == MllpFraming.StartBlock) StartFrame();
                    break;

                case State.InFrame:
                    if (b == MllpFraming.EndBlock) _state = State.AfterEndBlock;
                    else if (b == MllpFraming.StartBlock)
                    {
                        Report(MllpFramingErrorKind.UnexpectedStartBlock, $"start block inside a frame after {_frame.WrittenCount} bytes; the unfinished frame is dropped");
                        StartFrame();
                    }
                    else
                    {
                        // Copy the run of ordinary bytes in one go.
                        var run = input[i..];
                        var end = run.IndexOfAny(MllpFraming.StartBlock, MllpFraming.EndBlock);
                        if (end < 0) end = run.Length;
                        if (_frame.WrittenCount + end > MaxFrameLength)
                        {
                            Report(MllpFramingErrorKind.Oversize, $"frame longer than {MaxFrameLength} bytes; skipping to the next start block",
                                _offset + (MaxFrameLength - _frame.WrittenCount));
                            _frame.Clear();
                            _state = State.Skipping;
                        }
                        else _frame.Write(run[..end]);
                        i += end;
                        _offset += end;
                        continue;
                    }
                    break;

                case State.AfterEndBlock:
                    if (b == MllpFraming.CarriageReturn)
                    {
                        frame = _frame.WrittenSpan.ToArray();
                        _frame.Clear();
                        _state = State.Between;
                        _offset++;
                        return i + 1;
                    }
                    Report(MllpFramingErrorKind.EndBlockWithoutCarriageReturn, $"end block followed by 0x{b:X2}, not 0x0D; the frame is dropped");
                    _frame.Clear();
                    _state = State.Skipping;
                    continue; // look at this byte again: it may be the next start block
            }
            i++;
            _offset++;
        }
        return i;
    }

    /// <summary>Tells the decoder the stream has ended; an unfinished frame is reported and dropped.</summary>
    public void Complete()
    {
        if (InFrame)
            Report(MllpFramingErrorKind.Truncated, $"stream ended inside a frame after {_frame.WrittenCount} bytes");
        _frame.Clear();
        _state = State.Between;
    }

    private void StartFrame()
    {
        _frame.Clear();
        _state = State.InFrame;
    }

    private void Report(MllpFramingErrorKind kind, string message, long? offset = null) =>
        onError?.Invoke(new MllpFramingError(kind, offset ?? _offset, message));
}
