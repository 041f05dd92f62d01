using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

public class BatchTests
{
    private const string Batch =
        "FHS|^~\\&|LAB|FAC|||20240101\r" +
        "BHS|^~\\&|LAB|FAC|||20240101\r" +
        "MSH|^~\\&|LAB|FAC|||20240101||ORU^R01|1|P|2.5\rPID|1||A\r" +
        "MSH|^~\\&|LAB|FAC|||20240101||ORU^R01|2|P|2.5\rPID|1||B\rOBX|1|ST|X||y\r" +
        "BTS|2\r" +
        "FTS|1\r";

    [Fact]
    public void File_and_batch_envelopes_wrap_several_messages()
    {
        var batch = Er7Parser.ParseBatch(Batch.Replace("\r", "\r\n"));

        Assert.Equal("LAB", batch.FileHeader![3]!.Repetitions[0].Components[0].Subcomponents[0]);
        Assert.NotNull(batch.BatchHeader);
        Assert.Equal(["1", "2"], batch.Messages.Select(m => m.Get("MSH-10")));
        Assert.Equal("B", batch.Messages[1].Get("PID-3"));
        Assert.Equal("2", batch.BatchTrailer![1]!.Repetitions[0].Components[0].Subcomponents[0]);
        Assert.NotNull(batch.FileTrailer);
        Assert.Equal(Batch, batch.Encode());
    }

    [Fact]
    public void Messages_without_an_envelope_read_as_a_batch()
    {
        var batch = Er7Parser.ParseBatch("MSH|^~\\&|A\rPID|1\nMSH|^~\\&|B\rPID|2\r");

        Assert.Null(batch.FileHeader);
        Assert.Equal(2, batch.Messages.Count);
    }

    [Fact]
    public void Each_message_in_a_batch_keeps_its_own_delimiters()
    {
        var batch = Er7Parser.ParseBatch("BHS|^~\\&|A\rMSH$%@*!$B\rPID$1$$x%y\rBTS|1\r");

        Assert.Equal("y", batch.Messages[0].Get("PID-3-2"));
    }

    [Fact]
    public void A_second_message_in_Parse_points_to_ParseBatch()
    {
        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.Parse("MSH|^~\\&|A\rPID|1\rMSH|^~\\&|B\r"));

        Assert.Equal((3, "MSH"), (fault.SegmentIndex, fault.SegmentId));
        Assert.Contains("ParseBatch", fault.Message);
    }

    [Theory]
    [InlineData("PID|1\rMSH|^~\\&|A\r", 1, "PID")]
    [InlineData("FHS|^~\\&|A\rBHS|^~\\&\rMSH|^~\\&|A\rBTS\rBHS|^~\\&\rBTS\rFTS\r", 5, "BHS")]
    [InlineData("BHS|^~\\&|A\rMSH|^~\\&|A\rBTS\rPID|1\r", 4, "PID")]
    [InlineData("FHS|^~\\&|A\rBHS|$%@*!\r", 2, "BHS")]
    public void Malformed_batches_name_the_segment(string text, int index, string id)
    {
        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.ParseBatch(text));

        Assert.Equal((index, id), (fault.SegmentIndex, fault.SegmentId));
    }
}
