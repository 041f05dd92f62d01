using System.Text;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Tests.Mllp;

public class FrameDecoderTests
{
    private const string Adt = "MSH|^~\\&|SEND|FAC|RECV|FAC|20240101120000||ADT^A01|MSG0001|P|2.5\rPID|1||123^^^MRN||DOE^JOHN\r";

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private static byte[] Framed(string s) => MllpFraming.Frame(B(s));

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Feeds the input in pieces of <paramref name="chunk"/> bytes; returns messages and errors.</summary>
    private static (List<string> Messages, List<MllpFramingError> Errors) Decode(byte[] input, int chunk, int max = MllpFraming.DefaultMaxFrameLength, bool complete = true)
    {
        var errors = new List<MllpFramingError>();
        var messages = new List<string>();
        var decoder = new MllpFrameDecoder(max, errors.Add);
        for (var at = 0; at < input.Length; at += chunk)
        {
            var piece = input.AsSpan(at, Math.Min(chunk, input.Length - at));
            while (!piece.IsEmpty)
            {
                var used = decoder.Decode(piece, out var frame);
                piece = piece[used..];
                if (frame is not null) messages.Add(Encoding.ASCII.GetString(frame));
            }
        }
        if (complete) decoder.Complete();
        return (messages, errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Several_frames_split_at_any_byte(int chunk)
    {
        var input = Concat(Framed(Adt), Framed("MSH|^~\\&|B\r"), Framed(Adt.Replace("MSG0001", "MSG0002")));

        var (messages, errors) = Decode(input, chunk);

        Assert.Empty(errors);
        Assert.Equal([Adt, "MSH|^~\\&|B\r", Adt.Replace("MSG0001", "MSG0002")], messages);
    }

    [Fact]
    public void Every_split_point_of_two_frames_gives_the_same_messages()
    {
        var input = Concat(Framed("ab"), Framed("cd"));
        for (var split = 0; split <= input.Length; split++)
        {
            var errors = new List<MllpFramingError>();
            var decoder = new MllpFrameDecoder(onError: errors.Add);
            var messages = new List<string>();
            foreach (var part in new[] { input[..split], input[split..] })
            {
                var span = part.AsSpan();
                while (!span.IsEmpty)
                {
                    span = span[decoder.Decode(span, out var frame)..];
                    if (frame is not null) messages.Add(Encoding.ASCII.GetString(frame));
                }
            }
            Assert.Equal(["ab", "cd"], messages);
            Assert.Empty(errors);
        }
    }

    [Fact]
    public void Decode_stops_after_each_frame_so_one_read_can_hold_many()
    {
        var input = Concat(Framed("a"), Framed("b"), Framed("c"));
        var decoder = new MllpFrameDecoder();

        var used = decoder.Decode(input, out var frame);

        Assert.Equal(4, used);
        Assert.Equal("a"u8.ToArray(), frame);
    }

    [Fact]
    public void Empty_frame_is_an_empty_message()
    {
        var (messages, errors) = Decode(Framed(""), 1);
        Assert.Equal([""], messages);
        Assert.Empty(errors);
    }

    [Fact]
    public void Whitespace_between_frames_is_ignored_silently()
    {
        var input = Concat(B("\r\n "), Framed("a"), B("\n"), B("\r\n\t"), Framed("b"), B("\n"));

        var (messages, errors) = Decode(input, 1);

        Assert.Equal(["a", "b"], messages);
        Assert.Empty(errors);
    }

    [Fact]
    public void Garbage_between_frames_is_reported_once_and_skipped_to_the_next_start_block()
    {
        var input = Concat(Framed("a"), B("HELLO\u001c\r"), Framed("b"));

        var (messages, errors) = Decode(input, 1);

        Assert.Equal(["a", "b"], messages);
        var error = Assert.Single(errors);
        Assert.Equal(MllpFramingErrorKind.Garbage, error.Kind);
        Assert.Equal(4, error.Offset);
    }

    [Fact]
    public void Unframed_message_before_the_first_frame_is_garbage()
    {
        var (messages, errors) = Decode(Concat(B(Adt), Framed("b")), 5);

        Assert.Equal(["b"], messages);
        Assert.Equal(MllpFramingErrorKind.Garbage, Assert.Single(errors).Kind);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void Oversize_frame_is_refused_and_the_next_frame_still_arrives(int chunk)
    {
        var big = new string('x', 10_000);
        var input = Concat(Framed("ok"), Framed(big), Framed("after"));

        var (messages, errors) = Decode(input, chunk, max: 1000);

        Assert.Equal(["ok", "after"], messages);
        var error = Assert.Single(errors);
        Assert.Equal(MllpFramingErrorKind.Oversize, error.Kind);
        Assert.Equal(5 + 1 + 1000, error.Offset); // the first byte past the limit
    }

    [Fact]
    public void Frame_of_exactly_the_maximum_is_accepted()
    {
        var (messages, errors) = Decode(Framed(new string('y', 100)), 1, max: 100);
        Assert.Single(messages);
        Assert.Empty(errors);
    }

    [Fact]
    public void Oversize_frame_is_not_buffered()
    {
        // 50 MB of frame body with a 1 KiB limit: the decoder must not grow with it.
        var decoder = new MllpFrameDecoder(1024, _ => { });
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'z');
        decoder.Decode([MllpFraming.StartBlock], out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 800; i++) Assert.Equal(chunk.Length, decoder.Decode(chunk, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void End_block_without_carriage_return_drops_the_frame_and_resyncs()
    {
        var input = Concat(B("\u000bbad\u001cX"), B("more"), Framed("good"));

        var (messages, errors) = Decode(input, 1);

        Assert.Equal(["good"], messages);
        var error = Assert.Single(errors);
        Assert.Equal(MllpFramingErrorKind.EndBlockWithoutCarriageReturn, error.Kind);
        Assert.Equal(5, error.Offset);
    }

    [Fact]
    public void End_block_directly_followed_by_a_start_block_still_delivers_that_frame()
    {
        var input = Concat(B("\u000bbad\u001c"), Framed("next"));

        var (messages, errors) = Decode(input, 1);

        Assert.Equal(["next"], messages);
        Assert.Equal(MllpFramingErrorKind.EndBlockWithoutCarriageReturn, Assert.Single(errors).Kind);
    }

    [Fact]
    public void Start_block_inside_a_frame_drops_the_unfinished_frame()
    {
        var input = Concat(B("\u000bhalf"), Framed("whole"));

        var (messages, errors) = Decode(input, 3);

        Assert.Equal(["whole"], messages);
        Assert.Equal(MllpFramingErrorKind.UnexpectedStartBlock, Assert.Single(errors).Kind);
    }

    [Theory]
    [InlineData("\u000bMSH|trunc")]
    [InlineData("\u000bMSH|trunc\u001c")]
    public void End_of_stream_inside_a_frame_is_reported(string tail)
    {
        var (messages, errors) = Decode(Concat(Framed("a"), B(tail)), 1);

        Assert.Equal(["a"], messages);
        var error = Assert.Single(errors);
        Assert.Equal(MllpFramingErrorKind.Truncated, error.Kind);
    }

    [Fact]
    public void End_of_stream_between_frames_is_not_an_error()
    {
        var (_, errors) = Decode(Concat(Framed("a"), B("\r\n")), 1);
        Assert.Empty(errors);
    }

    [Fact]
    public void Non_ascii_bytes_inside_a_frame_are_data()
    {
        var body = Encoding.UTF8.GetBytes("PID|1||||MÜLLER^JÖRG\r");
        var decoder = new MllpFrameDecoder();
        decoder.Decode(MllpFraming.Frame(body), out var frame);
        Assert.Equal(body, frame);
    }
}
