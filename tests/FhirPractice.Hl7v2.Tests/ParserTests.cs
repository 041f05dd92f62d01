using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

public class ParserTests
{
    private const string Adt =
        "MSH|^~\\&|SEND|FAC|RECV|FAC|20240101120000||ADT^A01|MSG1|P|2.5\r" +
        "PID|1||111^^^MR~222^^^SS||Doe^John^^^Dr||19800101|\"\"\r" +
        "ZPI|custom|data\r";

    [Theory]
    [InlineData("\r")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void Segment_terminators_cr_lf_and_crlf_are_all_accepted(string terminator)
    {
        var message = Er7Parser.Parse(Adt.Replace("\r", terminator));

        Assert.Equal(["MSH", "PID", "ZPI"], message.Segments.Select(s => s.Id));
        Assert.Equal(Adt, message.Encode());
    }

    [Fact]
    public void A_leading_bom_and_trailing_empty_lines_are_ignored()
    {
        var message = Er7Parser.Parse("\uFEFF" + Adt + "\r\n\r\n\n");

        Assert.Equal(3, message.Segments.Count);
        Assert.Equal(Adt, message.Encode());
    }

    [Fact]
    public void A_last_segment_without_terminator_is_read()
    {
        var message = Er7Parser.Parse(Adt.TrimEnd('\r'));

        Assert.Equal("data", message.Get("ZPI-2"));
    }

    [Fact]
    public void Empty_and_explicit_null_stay_distinct()
    {
        var message = Er7Parser.Parse(Adt);

        Assert.Null(message.Get("PID-2"));
        Assert.False(message.IsExplicitNull("PID-2"));
        Assert.Equal(Er7Message.ExplicitNull, message.Get("PID-8"));
        Assert.True(message.IsExplicitNull("PID-8"));
    }

    [Fact]
    public void Repetitions_components_and_subcomponents_are_split()
    {
        var message = Er7Parser.Parse("MSH|^~\\&|A\rPID|1||111^^^MR&1.2.3&ISO~222^^^SS\r");
        var field = message.FindSegment("PID")![3]!;

        Assert.Equal(2, field.Repetitions.Count);
        Assert.Equal(4, field.Repetitions[0].Components.Count);
        Assert.Equal(["MR", "1.2.3", "ISO"], field.Repetitions[0].Components[3].Subcomponents);
    }

    [Fact]
    public void Z_and_unknown_segments_are_kept()
    {
        var message = Er7Parser.Parse(Adt + "QQ1|x\r");

        Assert.Equal("custom", message.Get("ZPI-1"));
        Assert.Equal("x", message.Get("QQ1-1"));
        Assert.EndsWith("ZPI|custom|data\rQQ1|x\r", message.Encode());
    }

    [Fact]
    public void A_segment_with_only_an_id_is_kept()
    {
        var message = Er7Parser.Parse("MSH|^~\\&|A\rZZZ\rPID|1\r");

        Assert.Empty(message.FindSegment("ZZZ")!.Fields);
        Assert.Equal("MSH|^~\\&|A\rZZZ\rPID|1\r", message.Encode());
    }

    [Fact]
    public void Header_with_only_the_encoding_characters_encodes_unchanged()
    {
        var message = Er7Parser.Parse("MSH|^~\\&");

        Assert.Equal(2, message.Segments[0].Fields.Count);
        Assert.Equal("MSH|^~\\&\r", message.Encode());
    }
}
