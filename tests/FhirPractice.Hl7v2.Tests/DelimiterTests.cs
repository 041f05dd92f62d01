using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

public class DelimiterTests
{
    [Fact]
    public void Standard_delimiters_are_read_from_msh1_and_msh2()
    {
        var message = Er7Parser.Parse("MSH|^~\\&|APP\rPID|1||123^^^MR~456^^^SS||Doe^John\r");

        Assert.Equal(Delimiters.Default, message.Delimiters);
        Assert.Equal("|", message.Get("MSH-1"));
        Assert.Equal("^~\\&", message.Get("MSH-2"));
        Assert.Equal("APP", message.Get("MSH-3"));
        Assert.Equal("John", message.Get("PID-5-2"));
    }

    [Fact]
    public void Non_standard_delimiters_are_used_for_splitting_and_escaping()
    {
        // $ field, % component, @ repetition, * escape, ! subcomponent
        var message = Er7Parser.Parse("MSH$%@*!$APP$FAC\rPID$1$$A%B!C@D%E$x*F*y*S*z\r");

        Assert.Equal(new Delimiters('$', '%', '@', '*', '!'), message.Delimiters);
        Assert.Equal("$", message.Get("MSH-1"));
        Assert.Equal("%@*!", message.Get("MSH-2"));
        Assert.Equal("FAC", message.Get("MSH-4"));
        Assert.Equal("C", message.Get("PID-3-2-2"));
        Assert.Equal("E", message.Get("PID-3(2)-2"));
        Assert.Equal("x$y%z", message.Get("PID-4"));
        Assert.Equal("MSH$%@*!$APP$FAC\rPID$1$$A%B!C@D%E$x*F*y*S*z\r", message.Encode());
    }

    [Fact]
    public void A_fifth_encoding_character_is_the_v27_truncation_character()
    {
        var message = Er7Parser.Parse("MSH|^~\\&#|APP\rNTE|1||cut\\P\\here\r");

        Assert.Equal('#', message.Delimiters.Truncation);
        Assert.Equal("^~\\&#", message.Get("MSH-2"));
        Assert.Equal("cut#here", message.Get("NTE-3"));
    }

    [Theory]
    [InlineData("MSH", 1)]
    [InlineData("MSHA^~\\&|", 1)]
    [InlineData("MSH|^~\\", 2)]
    [InlineData("MSH|^~\\&#!|", 2)]
    [InlineData("MSH|^^\\&|", 2)]
    [InlineData("MSH|^~|&|", 2)]
    [InlineData("MSH|^~ &|", 2)]
    public void Missing_or_invalid_encoding_characters_name_the_msh_field(string header, int field)
    {
        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.Parse(header + "\rPID|1\r"));

        Assert.Equal(1, fault.SegmentIndex);
        Assert.Equal("MSH", fault.SegmentId);
        Assert.Equal(field, fault.Field);
    }
}
