using System.Diagnostics;
using System.Text;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

/// <summary>
/// Inputs built to make a careless parser quadratic. Each is parsed at two sizes, n and 8n: a linear parser takes
/// about 8 times as long on the larger (somewhat more once its input no longer fits the CPU's caches), a quadratic one
/// 64 times. Comparing the two (the fastest of five runs each, the sizes taking turns) rather than against a fixed bound keeps the test true
/// on a slow or busy machine.
/// </summary>
public class HostileInputTests
{
    private const int Factor = 8;

    /// <summary>
    /// Between linear (8) and quadratic (64), with room for noise and for caches outgrown: twice below quadratic (CI saw
    /// ×29.9 for the long value, a copy ×9.2, while the test assemblies ran side by side on the two cores).
    /// </summary>
    private const double MaxGrowth = 32;

    /// <summary>Runs of each size, the fastest counting: a neighbour seldom takes the CPU during all of them.</summary>
    private const int Runs = 5;

    [Fact]
    public void A_single_very_long_value_parses_in_linear_time() => AssertLinear(5_000_000, n =>
    {
        var text = "MSH|^~\\&|A\rNTE|1||" + new string('x', n) + "\r";
        return (text, () => Assert.Equal(n, Er7Parser.Parse(text).Get("NTE-3")!.Length));
    });

    [Fact]
    public void Huge_numbers_of_fields_components_and_segments_parse_in_linear_time() => AssertLinear(50_000, n =>
    {
        var text = new StringBuilder("MSH|^~\\&|A\r");
        text.Append("ZFL").Append('|', n).Append('\r');
        text.Append("ZCM|").Append('^', n).Append('\r');
        for (var i = 0; i < n / 5; i++) text.Append("OBX|").Append(i).Append('\r');
        var input = text.ToString();
        return (input, () =>
        {
            var message = Er7Parser.Parse(input);
            Assert.Equal(n / 5 + 3, message.Segments.Count);
            Assert.Equal(input, message.Encode());
        });
    });

    [Fact]
    public void Unclosed_escape_characters_decode_in_linear_time() => AssertLinear(1_250_000, n =>
    {
        var text = "MSH|^~\\&|A\rNTE|1||" + new string('\\', n) + "\r";
        return (text, () => Assert.Equal(n, Er7Parser.Parse(text).Get("NTE-3")!.Length));
    });

    /// <summary>
    /// Runs the work built for size n and for <see cref="Factor"/>·n and checks that the time grew linearly, not
    /// quadratically. The two sizes take turns, so a neighbour busy for a while slows both rather than one. A copy of
    /// the same two inputs sets the scale: what the memory system alone makes of eight times the data (caches outgrown,
    /// fresh pages for the large strings) stretches the bound alike, so only the parser's own growth can fail it.
    /// </summary>
    private static void AssertLinear(int n, Func<int, (string Input, Action Parse)> work)
    {
        var (small, large) = (work(n), work(Factor * n));
        var growth = Growth(small.Parse, large.Parse);
        var copyGrowth = Growth(() => GC.KeepAlive(small.Input.ToCharArray()), () => GC.KeepAlive(large.Input.ToCharArray()));
        var bound = MaxGrowth * Math.Max(1, copyGrowth / Factor);
        Assert.True(growth < bound, $"{n} to {Factor * n}: ×{growth:F1} (a copy of the input ×{copyGrowth:F1}, bound ×{bound:F1})");
    }

    /// <summary>How many times longer the large work took than the small one, the fastest of <see cref="Runs"/> each, in turns.</summary>
    private static double Growth(Action smallWork, Action largeWork)
    {
        var (small, large) = (TimeSpan.MaxValue, TimeSpan.MaxValue);
        for (var i = 0; i < Runs; i++)
        {
            small = Min(small, Timed(smallWork));
            large = Min(large, Timed(largeWork));
        }
        return large.TotalMilliseconds / Math.Max(small.TotalMilliseconds, 1);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Timed(Action action)
    {
        // The garbage collector's pauses are left out: they grow with the live heap, not with the parser's work.
        var paused = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed - (GC.GetTotalPauseDuration() - paused);
    }
}
