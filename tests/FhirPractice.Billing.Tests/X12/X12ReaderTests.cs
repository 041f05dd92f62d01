using FhirPractice.Billing.X12;
using FhirPractice.Billing.X12.Guides;

namespace FhirPractice.Billing.Tests.X12;

public class X12ReaderTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 4, 10, 30, 0, TimeSpan.Zero);

    /// <summary>A small but valid 837P interchange: two transaction sets in one group.</summary>
    private static string Sample(X12Delimiters? delimiters = null)
    {
        var w = new X12Writer(new X12Parties("ZZ", "PRACTICE", "ZZ", "CLEARINGHOUSE"), 17, At, delimiters);
        w.BeginGroup("HC", 5, Professional837.Implementation);
        for (var t = 1; t <= 2; t++)
        {
            w.BeginTransaction("837", t, Professional837.Implementation);
            w.Segment("BHT", "0019", "00", "B" + t, "20250304", "1030", "CH");
            w.Segment("NM1", "41", "2", "PRACTICE", "", "", "", "", "46", "P1");
            w.Segment("PER", "IC", "BILLING", "TE", "5555550100");
            w.Segment("NM1", "40", "2", "CLEARINGHOUSE", "", "", "", "", "46", "C1");
            w.Segment("HL", "1", "", "20", "1");
            w.Segment("NM1", "85", "2", "PRACTICE", "", "", "", "", "XX", "1234567893");
            w.Segment("HL", "2", "1", "22", "0");
            w.Segment("SBR", "P", "18", "", "", "", "", "", "", "CI");
            w.Segment("NM1", "IL", "1", "DOE", "JANE", "", "", "", "MI", "M1");
            w.Segment("NM1", "PR", "2", "PAYER", "", "", "", "", "PI", "P9");
            w.Segment("CLM", "C" + t, "100", "", "", w.Composite("11", "B", "1"), "Y", "A", "Y", "Y");
            w.Segment("HI", w.Composite("ABK", "J019"));
            w.Segment("LX", "1");
            w.Segment("SV1", w.Composite("HC", "99213"), "100", "UN", "1", "", "", "1");
            w.Segment("REF", "6R", "C" + t + "-1");
            w.EndTransaction();
        }
        w.EndGroup();
        return w.Finish();
    }

    private static X12FormatException Refused(string text) => Assert.Throws<X12FormatException>(() =>
    {
        foreach (var t in X12Reader.Read(text).Transactions) X12LoopReader.Read(t, Professional837.Spec);
    });

    [Fact]
    public void Reads_back_what_the_writer_wrote_with_counts_and_control_numbers()
    {
        var interchange = X12Reader.Read(Sample());
        Assert.Equal("000000017", interchange.ControlNumber);
        var group = Assert.Single(interchange.Groups);
        Assert.Equal("5", group.ControlNumber);
        Assert.Equal(Professional837.Implementation, group.Version);
        Assert.Equal(["0001", "0002"], group.Transactions.Select(t => t.ControlNumber));
        Assert.Equal(17, group.Transactions[0].Segments.Count);
        Assert.Equal("17", group.Transactions[0].Segments[^1][1]);
    }

    [Fact]
    public void Delimiters_come_from_the_ISA_not_from_assumptions()
    {
        var text = Sample(new X12Delimiters('|', '}', '^', '\n'));
        var interchange = X12Reader.Read(text);
        Assert.Equal(new X12Delimiters('|', '}', '^', '\n'), interchange.Delimiters);
        var loops = X12LoopReader.Read(interchange.Transactions.First(), Professional837.Spec);
        var clm = loops.Descendants("2300").Single().First;
        Assert.Equal("11", clm.Component(5, 1));
        Assert.Equal("B", clm.Component(5, 2));
    }

    [Fact]
    public void Arranges_the_loops_of_the_guide()
    {
        var root = X12LoopReader.Read(X12Reader.Read(Sample()).Transactions.First(), Professional837.Spec);
        Assert.Equal(["1000A", "1000B", "2000A"], root.Loops.Select(l => l.Id));
        var billing = root.Child("2000A")!;
        Assert.Equal(["2010AA", "2000B"], billing.Loops.Select(l => l.Id));
        var subscriber = billing.Child("2000B")!;
        Assert.Equal(["2010BA", "2010BB", "2300"], subscriber.Loops.Select(l => l.Id));
        var line = subscriber.Child("2300")!.Child("2400")!;
        Assert.Equal("C1-1", line.Segment("REF", 1, "6R")![2]);
    }

    [Fact]
    public void Inconsistent_element_separator_in_the_ISA_names_the_position()
    {
        var text = Sample();
        text = text[..17] + "|" + text[18..];
        var e = Refused(text);
        Assert.Equal("ISA", e.SegmentId);
        Assert.Equal(1, e.Position);
        Assert.Contains("position 17", e.Message);
    }

    [Fact]
    public void A_letter_as_delimiter_is_refused()
    {
        var text = Sample();
        text = text[..82] + "U" + text[83..];
        var e = Refused(text);
        Assert.Equal("ISA", e.SegmentId);
        Assert.Contains("'U' cannot be a delimiter", e.Message);
    }

    [Fact]
    public void Segments_using_other_delimiters_than_the_ISA_declares_are_refused_where_they_start()
    {
        var text = Sample().Replace("GS*HC*", "GS|HC|");
        var e = Refused(text);
        Assert.Equal(2, e.Position);
        Assert.Contains("not a segment id", e.Message);
    }

    [Fact]
    public void Missing_IEA_is_reported_at_the_last_segment()
    {
        var text = Sample();
        text = text[..text.IndexOf("IEA*", StringComparison.Ordinal)];
        var e = Refused(text);
        Assert.Equal("GE", e.SegmentId);
        Assert.Equal(37, e.Position);
        Assert.Contains("without its IEA", e.Message);
    }

    [Fact]
    public void Truncated_file_names_the_unterminated_segment()
    {
        var text = Sample();
        text = text[..(text.IndexOf("CLM*C2", StringComparison.Ordinal) + 10)];
        var e = Refused(text);
        Assert.Equal("CLM", e.SegmentId);
        Assert.Equal(31, e.Position);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData("SE*17*0001~", "SE*16*0001~", "SE", 19, "SE01 says 16 segments")]
    [InlineData("SE*17*0001~", "SE*17*0009~", "SE", 19, "does not match ST02")]
    [InlineData("GE*2*5~", "GE*3*5~", "GE", 37, "GE01 says 3")]
    [InlineData("GE*2*5~", "GE*2*6~", "GE", 37, "does not match GS06")]
    [InlineData("IEA*1*000000017~", "IEA*2*000000017~", "IEA", 38, "IEA01 says 2")]
    [InlineData("IEA*1*000000017~", "IEA*1*000000018~", "IEA", 38, "does not match ISA13")]
    public void Counts_and_control_numbers_that_do_not_match_are_refused(string good, string bad, string segment, int position, string message)
    {
        var e = Refused(Sample().Replace(good, bad));
        Assert.Equal(segment, e.SegmentId);
        Assert.Equal(position, e.Position);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void An_unknown_loop_is_refused_with_its_position()
    {
        var e = Refused(Sample().Replace("NM1*40*2*CLEARINGHOUSE", "NM1*ZZ*2*CLEARINGHOUSE"));
        Assert.Equal("NM1", e.SegmentId);
        Assert.Equal(7, e.Position);
        Assert.Contains("starts no loop", e.Message);
    }

    [Fact]
    public void A_segment_outside_a_transaction_set_is_refused()
    {
        var e = Refused(Sample().Replace("GE*2*5~", "BHT*0019~\nGE*2*5~"));
        Assert.Equal("BHT", e.SegmentId);
        Assert.Contains("outside a transaction set", e.Message);
    }

    [Fact]
    public void The_writer_refuses_a_value_holding_a_delimiter()
    {
        var w = new X12Writer(new X12Parties("ZZ", "A", "ZZ", "B"), 1, At);
        w.BeginGroup("HC", 1, Professional837.Implementation);
        w.BeginTransaction("837", 1, Professional837.Implementation);
        var e = Assert.Throws<ArgumentException>(() => w.Segment("NM1", "IL", "1", "O*BRIEN"));
        Assert.Contains("NM103", e.Message);
    }
}
