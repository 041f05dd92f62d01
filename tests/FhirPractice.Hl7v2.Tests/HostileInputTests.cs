using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

/// <summary>
/// Inputs built to make a careless parser quadratic. Each is parsed at two sizes, n and 8n: a linear parser takes
/// about 8 times as long on the larger (somewhat more once its input no longer fits the CPU's caches), a quadratic one
/// 64 times. Comparing the two (the fastest of five runs each, the sizes taking turns, in the thread's own CPU time)
/// rather than against a fixed bound keeps the test true on a slow or busy machine. The class runs alone (see
/// <see cref="AloneInProcess"/>), and each run starts on a collected heap.
/// </summary>
[Collection(AloneInProcess.Name)]
public class HostileInputTests
{
    private const int Factor = 8;

    /// <summary>
    /// Between linear (8) and quadratic (64), with room for noise and for caches outgrown: twice below quadratic. In CPU
    /// time the three inputs grew ×3.3–×12.1 with both cores busy (the wall clock had seen up to ×48 on CI).
    /// </summary>
    private const double MaxGrowth = 32;

    /// <summary>Runs of each size, the fastest counting: a neighbour seldom takes the CPU during all of them.</summary>
    private const int Runs = 5;

    [Fact]
    public void A_single_very_long_value_parses_in_linear_time() => AssertLinear(5_000_000, n =>
    {
        var text = "MSH|^~\\&|A\rNTE|1||" + new string('x', n) + "\r";
        return () => Assert.Equal(n, Er7Parser.Parse(text).Get("NTE-3")!.Length);
    });

    [Fact]
    public void Huge_numbers_of_fields_components_and_segments_parse_in_linear_time() => AssertLinear(50_000, n =>
    {
        var text = new StringBuilder("MSH|^~\\&|A\r");
        text.Append("ZFL").Append('|', n).Append('\r');
        text.Append("ZCM|").Append('^', n).Append('\r');
        for (var i = 0; i < n / 5; i++) text.Append("OBX|").Append(i).Append('\r');
        var input = text.ToString();
        return () =>
        {
            var message = Er7Parser.Parse(input);
            Assert.Equal(n / 5 + 3, message.Segments.Count);
            Assert.Equal(input, message.Encode());
        };
    });

    [Fact]
    public void Unclosed_escape_characters_decode_in_linear_time() => AssertLinear(1_250_000, n =>
    {
        var text = "MSH|^~\\&|A\rNTE|1||" + new string('\\', n) + "\r";
        return () => Assert.Equal(n, Er7Parser.Parse(text).Get("NTE-3")!.Length);
    });

    /// <summary>
    /// Runs the work built for size n and for <see cref="Factor"/>·n and checks that the time grew linearly, not
    /// quadratically. The two sizes take turns, so a neighbour busy for a while slows both rather than one.
    /// </summary>
    private static void AssertLinear(int n, Func<int, Action> work)
    {
        var (small, large) = (work(n), work(Factor * n));
        var growth = Growth(small, large);
        Assert.True(growth < MaxGrowth, $"{n} to {Factor * n}: ×{growth:F1} (bound ×{MaxGrowth:F1})");
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
        // The large input's tens of megabytes would otherwise pay, inside the timed run, for collecting what came before.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var start = ThreadCpu();
        action();
        return ThreadCpu() - start;
    }

    /// <summary>
    /// The CPU time this thread has used (Linux, where CI runs): unlike the wall clock it does not count the time other
    /// tests, other processes or the garbage collector's own threads take the cores from it, which on two shared cores
    /// grew the large run several times more than the small. Elsewhere the wall clock.
    /// </summary>
    private static TimeSpan ThreadCpu()
    {
        if (!OperatingSystem.IsLinux()) return Stopwatch.GetElapsedTime(0);
        if (clock_gettime(ClockThreadCpuTime, out var now) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return TimeSpan.FromTicks(now.Seconds * TimeSpan.TicksPerSecond + now.Nanoseconds / 100);
    }

    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);
}
