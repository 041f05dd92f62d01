using System.Text;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

public class CharacterSetTests
{
    private static string Adt(string msh18) =>
        $"MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5||||||{msh18}\rPID|1||1||Müller^Zoë\r";

    [Theory]
    [InlineData("8859/1", "iso-8859-1")]
    [InlineData("UNICODE UTF-8", "utf-8")]
    [InlineData("", "utf-8")]
    public void Bytes_are_read_and_written_in_the_msh18_character_set(string msh18, string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var bytes = encoding.GetBytes(Adt(msh18));

        var message = Er7Parser.Parse(bytes);

        Assert.Equal("Müller", message.Get("PID-5-1"));
        Assert.Equal("Zoë", message.Get("PID-5-2"));
        Assert.Equal(bytes, message.EncodeBytes());
    }

    [Fact]
    public void A_batch_in_bytes_is_read_in_the_character_set_of_its_first_message()
    {
        var bytes = Encoding.Latin1.GetBytes("FHS|^~\\&|Zoë\rBHS|^~\\&\r" + Adt("8859/1") + "BTS|1\rFTS|1\r");

        var batch = Er7Parser.ParseBatch(bytes);

        Assert.Equal("Zoë", batch.Messages[0].Get("PID-5-2"));
        Assert.Equal("Zoë", batch.FileHeader![3]!.Repetitions[0].Components[0].Subcomponents[0]);
    }

    [Fact]
    public void An_unsupported_character_set_in_a_batch_names_its_msh()
    {
        var bytes = Encoding.Latin1.GetBytes("FHS|^~\\&\r\nBHS|^~\\&\r\n" + Adt("ISO IR87"));

        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.ParseBatch(bytes));

        Assert.Equal((3, "MSH", 18), (fault.SegmentIndex, fault.SegmentId, fault.Field));
    }

    [Fact]
    public void A_utf8_bom_on_bytes_is_ignored()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Adt("UNICODE UTF-8"))).ToArray();

        Assert.Equal("Zoë", Er7Parser.Parse(bytes).Get("PID-5-2"));
    }

    [Fact]
    public void Ascii_reads_ascii_and_rejects_other_bytes()
    {
        var ascii = Encoding.ASCII.GetBytes("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5||||||ASCII\rPID|1||1||Smith\r");
        Assert.Equal("Smith", Er7Parser.Parse(ascii).Get("PID-5"));

        Assert.Throws<Er7ParseException>(() => Er7Parser.Parse(Encoding.Latin1.GetBytes(Adt("ASCII"))));
    }

    [Fact]
    public void Latin1_bytes_declared_as_utf8_are_a_parse_error() =>
        Assert.Throws<Er7ParseException>(() => Er7Parser.Parse(Encoding.Latin1.GetBytes(Adt("UNICODE UTF-8"))));

    [Fact]
    public void An_unsupported_character_set_names_msh18()
    {
        var fault = Assert.Throws<Er7ParseException>(() => Er7Parser.Parse(Adt("ISO IR87")));

        Assert.Equal(("MSH", 18), (fault.SegmentId, fault.Field));
    }

    [Fact]
    public void Msh18_repetitions_use_the_first_as_the_message_character_set() =>
        Assert.Equal(Encoding.Latin1, Er7Parser.Parse(Adt("8859/1~ISO IR87")).CharacterSet);
}
