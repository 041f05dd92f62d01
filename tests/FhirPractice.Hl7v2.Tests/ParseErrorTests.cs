using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

public class ParseErrorTests
{
    [Theory]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("\uFEFF")]
    public void Empty_input_has_no_segments(string text) =>
        Assert.Equal(0, Assert.Throws<Er7ParseException>(() => Er7Parser.Parse(text)).SegmentIndex);

    [Fact]
    public void A_message_must_begin_with_msh()
    {
        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.Parse("PID|1\rMSH|^~\\&|A\r"));

        Assert.Equal((1, "PID"), (fault.SegmentIndex, fault.SegmentId));
    }

    [Theory]
    [InlineData("P1")]
    [InlineData("P-D|1")]
    [InlineData("PI D|1")]
    [InlineData("PIDX|1")]
    [InlineData("PID^1")]
    [InlineData("   ")]
    public void A_segment_id_that_is_not_three_alphanumerics_names_the_segment(string segment)
    {
        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.Parse($"MSH|^~\\&|A\rEVN|A01\r{segment}\r"));

        Assert.Equal(3, fault.SegmentIndex);
        Assert.StartsWith("segment 3 (", fault.Message);
    }

    [Fact]
    public void A_header_inside_a_message_with_other_delimiters_names_its_field()
    {
        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.ParseBatch("FHS|^~\\&\rBHS|^~\\#\r"));

        Assert.Equal((2, "BHS", 2), (fault.SegmentIndex, fault.SegmentId, fault.Field));
    }
}
