using System.IO.Pipelines;
using System.Text;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Tests.Mllp;

public class FrameReaderTests
{
    /// <summary>A stream that returns at most one byte per read, as a slow network might.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    }

    [Fact]
    public async Task Reads_frames_delivered_one_byte_at_a_time_then_null_at_end()
    {
        var input = MllpFraming.Frame("one"u8).Concat("\r\n"u8.ToArray()).Concat(MllpFraming.Frame("two"u8)).ToArray();
        var reader = new MllpFrameReader(new TrickleStream(input));

        Assert.Equal("one", Encoding.ASCII.GetString((await reader.ReadFrameAsync())!));
        Assert.Equal("two", Encoding.ASCII.GetString((await reader.ReadFrameAsync())!));
        Assert.Null(await reader.ReadFrameAsync());
    }

    [Fact]
    public async Task Reads_many_frames_from_one_buffer()
    {
        var input = Enumerable.Range(0, 100).SelectMany(i => MllpFraming.Frame(Encoding.ASCII.GetBytes($"m{i}"))).ToArray();
        var reader = new MllpFrameReader(new MemoryStream(input));

        for (var i = 0; i < 100; i++)
            Assert.Equal($"m{i}", Encoding.ASCII.GetString((await reader.ReadFrameAsync())!));
        Assert.Null(await reader.ReadFrameAsync());
    }

    [Fact]
    public async Task Truncated_stream_reports_then_returns_null()
    {
        var errors = new List<MllpFramingError>();
        var reader = new MllpFrameReader(new MemoryStream("\u000bMSH|half"u8.ToArray()), onError: errors.Add);

        Assert.Null(await reader.ReadFrameAsync());
        Assert.Equal(MllpFramingErrorKind.Truncated, Assert.Single(errors).Kind);
    }

    [Fact]
    public async Task Oversize_frame_on_a_stream_is_skipped()
    {
        var errors = new List<MllpFramingError>();
        var input = MllpFraming.Frame(new byte[5000]).Concat(MllpFraming.Frame("small"u8)).ToArray();
        var reader = new MllpFrameReader(new MemoryStream(input), maxFrameLength: 100, onError: errors.Add, bufferSize: 256);

        Assert.Equal("small", Encoding.ASCII.GetString((await reader.ReadFrameAsync())!));
        Assert.Equal(MllpFramingErrorKind.Oversize, Assert.Single(errors).Kind);
    }

    [Fact]
    public async Task Reads_frames_from_a_pipe_written_one_byte_at_a_time()
    {
        var pipe = new Pipe();
        var errors = new List<MllpFramingError>();
        var reader = new MllpFrameReader(pipe.Reader, onError: errors.Add);
        var input = MllpFraming.Frame("one"u8).Concat("\n"u8.ToArray()).Concat(MllpFraming.Frame("two"u8)).Concat("\u000bhalf"u8.ToArray()).ToArray();

        var writer = Task.Run(async () =>
        {
            foreach (var b in input)
            {
                await pipe.Writer.WriteAsync(new[] { b });
            }
            await pipe.Writer.CompleteAsync();
        });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        Assert.Equal("one", Encoding.ASCII.GetString((await reader.ReadFrameAsync(cts.Token))!));
        Assert.Equal("two", Encoding.ASCII.GetString((await reader.ReadFrameAsync(cts.Token))!));
        Assert.Null(await reader.ReadFrameAsync(cts.Token));
        await writer.WaitAsync(cts.Token);
        Assert.Equal(MllpFramingErrorKind.Truncated, Assert.Single(errors).Kind);
    }

    [Fact]
    public async Task Reads_many_frames_from_one_pipe_buffer()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Enumerable.Range(0, 50).SelectMany(i => MllpFraming.Frame(Encoding.ASCII.GetBytes($"m{i}"))).ToArray());
        await pipe.Writer.CompleteAsync();
        var reader = new MllpFrameReader(pipe.Reader);

        for (var i = 0; i < 50; i++)
            Assert.Equal($"m{i}", Encoding.ASCII.GetString((await reader.ReadFrameAsync())!));
        Assert.Null(await reader.ReadFrameAsync());
    }
}
