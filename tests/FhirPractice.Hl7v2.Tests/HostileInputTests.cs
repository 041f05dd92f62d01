using System.Diagnostics;
using System.Text;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

/// <summary>
/// Inputs built to make a careless parser quadratic. The bounds are generous (a linear parser takes well
/// under a second on each); a quadratic one takes minutes.
/// </summary>
public class HostileInputTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_single_very_long_value_parses_in_linear_time()
    {
        var text = "MSH|^~\\&|A\rNTE|1||" + new string('x', 20_000_000) + "\r";

        var elapsed = Time(() => Assert.Equal(20_000_000, Er7Parser.Parse(text).Get("NTE-3")!.Length));

        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    [Fact]
    public void Huge_numbers_of_fields_components_and_segments_parse_in_linear_time()
    {
        var text = new StringBuilder("MSH|^~\\&|A\r");
        text.Append("ZFL").Append('|', 1_000_000).Append('\r');
        text.Append("ZCM|").Append('^', 1_000_000).Append('\r');
        for (var i = 0; i < 200_000; i++) text.Append("OBX|").Append(i).Append('\r');
        var input = text.ToString();

        var elapsed = Time(() =>
        {
            var message = Er7Parser.Parse(input);
            Assert.Equal(200_002 + 1, message.Segments.Count);
            Assert.Equal(input, message.Encode());
        });

        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    [Fact]
    public void Unclosed_escape_characters_decode_in_linear_time()
    {
        var text = "MSH|^~\\&|A\rNTE|1||" + new string('\\', 5_000_000) + "\r";

        var elapsed = Time(() => Assert.Equal(5_000_000, Er7Parser.Parse(text).Get("NTE-3")!.Length));

        Assert.True(elapsed < Bound, $"took {elapsed}");
    }

    private static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }
}
