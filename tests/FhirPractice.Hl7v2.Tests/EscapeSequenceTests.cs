using System.Text;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

public class EscapeSequenceTests
{
    private static string Decode(string raw, Delimiters? delimiters = null) =>
        EscapeSequences.Decode(raw, delimiters ?? Delimiters.Default, Encoding.UTF8);

    [Theory]
    [InlineData(@"a\F\b", "a|b")]
    [InlineData(@"a\S\b", "a^b")]
    [InlineData(@"a\T\b", "a&b")]
    [InlineData(@"a\R\b", "a~b")]
    [InlineData(@"a\E\b", @"a\b")]
    [InlineData(@"\F\\S\\T\\R\\E\", @"|^&~\")]
    [InlineData(@"line1\.br\line2", "line1\nline2")]
    [InlineData(@"a\.sp\b", "a\nb")]
    [InlineData(@"a\.sp 3\b", "a\n\n\nb")]
    [InlineData(@"\H\bold\N\ plain", "bold plain")]
    [InlineData(@"\X4142\", "AB")]
    [InlineData(@"caf\XC3A9\", "café")]
    [InlineData(@"\Zlocal\", @"\Zlocal\")]
    [InlineData(@"\C2842\text", @"\C2842\text")]
    [InlineData(@"\M2442\text", @"\M2442\text")]
    [InlineData(@"\.fi\text", @"\.fi\text")]
    [InlineData(@"\X4\", @"\X4\")]
    [InlineData(@"\XZZ\", @"\XZZ\")]
    [InlineData(@"\Q\", @"\Q\")]
    [InlineData(@"\P\", @"\P\")]
    [InlineData(@"no close \F", @"no close \F")]
    [InlineData(@"C:\dir", @"C:\dir")]
    [InlineData("plain", "plain")]
    public void Sequences_decode_as_the_standard_says(string raw, string expected) =>
        Assert.Equal(expected, Decode(raw));

    [Fact]
    public void A_hostile_spacing_count_is_capped() =>
        Assert.Equal("a" + new string('\n', 99) + "b", Decode(@"a\.sp999999999\b"));

    [Fact]
    public void Hex_sequences_decode_in_the_message_character_set() =>
        Assert.Equal("café", EscapeSequences.Decode(@"caf\XE9\", Delimiters.Default, Encoding.Latin1));

    [Fact]
    public void The_message_escape_character_is_used_not_backslash()
    {
        var delimiters = new Delimiters('$', '%', '@', '*', '!');

        Assert.Equal(@"a$b%c\F\", Decode(@"a*F*b*S*c\F\", delimiters));
    }

    [Fact]
    public void Encoding_escapes_delimiters_and_line_breaks_and_decodes_back()
    {
        const string text = "a|b^c&d~e\\f\r\ng";
        var raw = EscapeSequences.Encode(text, Delimiters.Default);

        Assert.Equal(@"a\F\b\S\c\T\d\R\e\E\f\X0D\\X0A\g", raw);
        Assert.Equal(text, Decode(raw));
    }

    [Fact]
    public void Truncation_character_is_escaped_only_when_declared()
    {
        var withTruncation = Delimiters.Default with { Truncation = '#' };

        Assert.Equal(@"a\P\b", EscapeSequences.Encode("a#b", withTruncation));
        Assert.Equal("a#b", EscapeSequences.Encode("a#b", Delimiters.Default));
    }
}
