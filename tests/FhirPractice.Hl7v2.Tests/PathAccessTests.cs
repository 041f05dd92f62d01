using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

public class PathAccessTests
{
    private static readonly Er7Message Oru = Er7Parser.Parse(
        "MSH|^~\\&|LAB|FAC|EHR|FAC|20240101||ORU^R01^ORU_R01|42|P|2.5.1\r" +
        "PID|1||111^^^MR&1.2.3&ISO~222^^^SS||Doe\\S\\Jr^John\r" +
        "OBX|1|NM|GLU^Glucose||5.4|mmol/L\r" +
        "OBX|2|ST|NOTE||high \\T\\ low\r");

    [Theory]
    [InlineData("MSH-9-1", "ORU")]
    [InlineData("MSH-9-3", "ORU_R01")]
    [InlineData("MSH-10", "42")]
    [InlineData("PID-5-1", "Doe^Jr")]
    [InlineData("PID-5", "Doe^Jr")]
    [InlineData("PID-3-1", "111")]
    [InlineData("PID-3(2)-1", "222")]
    [InlineData("PID-3(2)-4", "SS")]
    [InlineData("PID-3-4-2", "1.2.3")]
    [InlineData("PID-3(1)-4-3", "ISO")]
    [InlineData("OBX-5", "5.4")]
    [InlineData("OBX(2)-5", "high & low")]
    [InlineData("obx(2)-3-1", "NOTE")]
    public void Get_reads_decoded_values(string path, string expected) =>
        Assert.Equal(expected, Oru.Get(path));

    [Theory]
    [InlineData("PV1-2")]
    [InlineData("OBX(3)-5")]
    [InlineData("PID-99")]
    [InlineData("PID-3(3)-1")]
    [InlineData("PID-5-9")]
    [InlineData("PID-5-1-7")]
    [InlineData("PID-2")]
    public void Missing_parts_read_as_null(string path)
    {
        Assert.Null(Oru.Get(path));
        Assert.Null(Oru.GetRaw(path));
        Assert.False(Oru.IsExplicitNull(path));
    }

    [Theory]
    [InlineData("PID-3", "111^^^MR&1.2.3&ISO~222^^^SS")]
    [InlineData("PID-3(2)", "222^^^SS")]
    [InlineData("PID-3-4", "MR&1.2.3&ISO")]
    [InlineData("PID-5-1", "Doe\\S\\Jr")]
    public void GetRaw_returns_the_received_er7_text(string path, string expected) =>
        Assert.Equal(expected, Oru.GetRaw(path));

    [Theory]
    [InlineData("PID")]
    [InlineData("PID-0")]
    [InlineData("PID-x")]
    [InlineData("PI-5")]
    [InlineData("PID(0)-5")]
    [InlineData("PID-5-1-1-1")]
    public void A_malformed_path_is_a_format_error(string path) =>
        Assert.Throws<FormatException>(() => Oru.Get(path));

    [Fact]
    public void Set_escapes_and_creates_what_is_missing()
    {
        var ack = Er7Parser.Parse("MSH|^~\\&|EHR|FAC|LAB|FAC|20240101||ACK^R01^ACK|43|P|2.5.1");

        ack.Set("MSA-1", "AA");
        ack.Set("MSA-2", "42");
        ack.Set("ERR-3-2", "a^b");
        ack.Set("NTE(2)-3(2)-1-2", "deep");
        ack.Set("MSH-10", "44");

        Assert.Equal(
            "MSH|^~\\&|EHR|FAC|LAB|FAC|20240101||ACK^R01^ACK|44|P|2.5.1\r" +
            "MSA|AA|42\rERR|||^a\\S\\b\rNTE\rNTE|||~&deep\r", ack.Encode());
        Assert.Equal("a^b", ack.Get("ERR-3-2"));
        Assert.Equal("deep", ack.Get("NTE(2)-3(2)-1-2"));
    }

    [Fact]
    public void Set_writes_explicit_null_and_clears()
    {
        var message = Er7Parser.Parse("MSH|^~\\&|A\rPID|1||x\r");

        message.Set("PID-8", Er7Message.ExplicitNull);
        message.Set("PID-3", null);

        Assert.True(message.IsExplicitNull("PID-8"));
        Assert.Null(message.Get("PID-3"));
        Assert.Equal("MSH|^~\\&|A\rPID|1|||||||\"\"\r", message.Encode());
    }

    [Fact]
    public void A_message_built_from_nothing_gets_its_delimiters_in_msh()
    {
        var message = new Er7Message(new Delimiters('$', '%', '@', '*', '!'), System.Text.Encoding.UTF8);

        message.Set("MSH-9-1", "ACK");
        message.Set("MSA-1", "AA");

        Assert.Equal("MSH$%@*!$$$$$$$ACK\rMSA$AA\r", message.Encode());
        Assert.Equal("ACK", Er7Parser.Parse(message.Encode()).Get("MSH-9"));
    }

    [Fact]
    public void The_delimiter_fields_cannot_be_set() =>
        Assert.Throws<InvalidOperationException>(() => Er7Parser.Parse("MSH|^~\\&|A").Set("MSH-2", "!!!!"));
}
