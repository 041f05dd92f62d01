using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Tests.Mllp;

public class AckBuilderTests
{
    private const string Adt =
        "MSH|^~\\&|ADT1^1.2.3^ISO|GOOD HEALTH|LAB|GHH|20240101120000||ADT^A01^ADT_A01|MSG00001|P|2.5.1||||||UNICODE UTF-8\r" +
        "PID|1||PATID1234^^^GOOD HEALTH^MR||EVERYMAN^ADAM\r";

    private static readonly DateTimeOffset Now = new(2024, 2, 3, 4, 5, 6, TimeSpan.FromHours(1));

    [Fact]
    public void Accept_ack_swaps_sender_and_receiver_and_echoes_the_control_id()
    {
        var ack = AckBuilder.Build(Er7Parser.Parse(Adt), AckCode.AA, controlId: "ACK1", now: Now);

        Assert.Equal(
            "MSH|^~\\&|LAB|GHH|ADT1^1.2.3^ISO|GOOD HEALTH|20240203040506+0100||ACK^A01^ACK|ACK1|P|2.5.1||||||UNICODE UTF-8\r" +
            "MSA|AA|MSG00001\r",
            ack.Encode());
        Assert.Equal(ack.Encode(), Er7Parser.Parse(ack.Encode()).Encode());
    }

    [Fact]
    public void Error_ack_names_segment_and_field_in_err()
    {
        var error = new AckError("PID", 1, 3, "101", "Required field missing", Diagnostic: "PID-3 is empty");

        var ack = AckBuilder.Build(Er7Parser.Parse(Adt), AckCode.AE, "rejected", error, "ACK2", Now);

        Assert.Equal("AE", ack.Get("MSA-1"));
        Assert.Equal("MSG00001", ack.Get("MSA-2"));
        Assert.Equal("rejected", ack.Get("MSA-3"));
        Assert.Equal("ERR||PID^1^3|101^Required field missing^HL70357|E||||PID-3 is empty", ack.Encode().Split('\r')[2]);
        Assert.Null(ack.Get("ERR-1"));
    }

    [Fact]
    public void Before_v25_the_err_segment_also_carries_err_1()
    {
        var original = Er7Parser.Parse(Adt.Replace("2.5.1", "2.3"));

        var ack = AckBuilder.Build(original, AckCode.AR, error: new AckError("MSH", 1, 9, "200", "Unsupported message type"), controlId: "X", now: Now);

        Assert.Equal("AR", ack.Get("MSA-1"));
        Assert.Equal("MSH", ack.Get("ERR-1-1"));
        Assert.Equal("9", ack.Get("ERR-1-3"));
        Assert.Equal("200", ack.Get("ERR-1-4-1"));
        Assert.Equal("HL70357", ack.Get("ERR-1-4-3"));
        Assert.Equal("200", ack.Get("ERR-3-1"));
    }

    [Fact]
    public void Delimiters_in_values_survive_and_custom_delimiters_are_kept()
    {
        var original = Er7Parser.Parse("MSH#$*@%#APP$X\\S\\Y#FAC#RCV#RFAC#20240101##ORU$R01#C1#T#2.4\r");

        var ack = AckBuilder.Build(original, AckCode.AA, controlId: "A", now: Now);

        Assert.Equal('#', ack.Delimiters.Field);
        Assert.Equal("APP", ack.Get("MSH-5-1"));
        Assert.Equal("X\\S\\Y", ack.Get("MSH-5-2"));
        Assert.Equal("RCV", ack.Get("MSH-3"));
        Assert.Equal("T", ack.Get("MSH-11"));
        Assert.Equal("C1", ack.Get("MSA-2"));
        Assert.Equal("R01", ack.Get("MSH-9-2"));
    }

    [Fact]
    public void A_new_control_id_is_made_when_none_is_given()
    {
        var a = AckBuilder.Build(Er7Parser.Parse(Adt), AckCode.AA);
        var b = AckBuilder.Build(Er7Parser.Parse(Adt), AckCode.AA);

        Assert.False(string.IsNullOrEmpty(a.Get("MSH-10")));
        Assert.NotEqual(a.Get("MSH-10"), b.Get("MSH-10"));
        Assert.True(a.Get("MSH-10")!.Length <= 20);
    }
}
