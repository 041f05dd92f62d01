using FhirPractice.Billing.Patients;
using FhirPractice.Billing.Remittance;
using FhirPractice.Billing.X12;

namespace FhirPractice.Billing.Tests.Remittance;

public class Remittance835ReaderTests
{
    /// <summary>An 835: claim C1 paid 80 of 150 (CO-45 50, PR-1 20; remark N130), claim C2 denied (CO-16), PLB interest of 1.25.</summary>
    private static string Sample(X12Delimiters? delimiters = null, string bpr02 = "81.25")
    {
        var w = new X12Writer(new X12Parties("ZZ", "PAYER", "ZZ", "PRACTICE"), 9, new DateTimeOffset(2025, 4, 15, 9, 0, 0, TimeSpan.Zero), delimiters);
        w.BeginGroup("HP", 9, "005010X221A1");
        w.BeginTransaction("835", 1, "005010X221A1");
        w.Segment("BPR", "I", bpr02, "C", "ACH", "", "", "", "", "", "", "", "", "", "", "", "20250415");
        w.Segment("TRN", "1", "EFT123", "1512345678");
        w.Segment("N1", "PR", "TEST HEALTH PLAN", "XV", "TESTPAYER");
        w.Segment("N1", "PE", "CLINIC", "XX", "1234567893");
        w.Segment("LX", "1");
        w.Segment("CLP", "C1", "1", "150", "80", "20", "12", "PCN1");
        w.Segment("SVC", w.Composite("HC", "99214", "25"), "150", "80", "", "1");
        w.Segment("DTM", "472", "20250310");
        w.Segment("CAS", "CO", "45", "50");
        w.Segment("CAS", "PR", "1", "20");
        w.Segment("REF", "6R", "C1-1");
        w.Segment("LQ", "HE", "N130");
        w.Segment("CLP", "C2", "4", "100", "0", "0", "12", "PCN2");
        w.Segment("CAS", "CO", "16", "100");
        w.Segment("PLB", "1234567893", "20251231", w.Composite("L6", "INT1"), "-1.25");
        w.EndTransaction();
        w.EndGroup();
        return w.Finish();
    }

    private static RemittanceAdvice Read(string text) => Assert.Single(Remittance835Reader.Read(X12Reader.Read(text)));

    [Fact]
    public void Reads_payment_claims_lines_adjustments_and_provider_adjustments()
    {
        var advice = Read(Sample());
        Assert.Equal(("EFT123", "1512345678", 81.25m, new DateOnly(2025, 4, 15)), (advice.TraceNumber, advice.PayerTraceId, advice.PaymentAmount, advice.PaymentDate));
        Assert.Equal(("TESTPAYER", "1234567893"), (advice.PayerId, advice.PayeeNpi));
        var c1 = advice.Claims[0];
        Assert.Equal(("C1", 150m, 80m, 20m, "PCN1"), (c1.ClaimNumber, c1.Charge, c1.Paid, c1.PatientResponsibility, c1.PayerClaimNumber));
        var line = Assert.Single(c1.Lines);
        Assert.Equal(("C1-1", "99214", "25", new DateOnly(2025, 3, 10)), (line.LineControlNumber, line.Procedure, line.Modifiers.Single(), line.ServiceDate!.Value));
        Assert.Equal([new CasAdjustment("CO", "45", 50m), new CasAdjustment("PR", "1", 20m)], line.Adjustments);
        Assert.Equal(["N130"], line.Remarks);
        Assert.True(advice.Claims[1].Denied);
        Assert.Equal([new CasAdjustment("CO", "16", 100m)], advice.Claims[1].Adjustments);
        Assert.Equal(new ProviderAdjustment("L6", "INT1", -1.25m, new DateOnly(2025, 12, 31)), Assert.Single(advice.ProviderAdjustments));
    }

    [Fact]
    public void Delimiters_come_from_the_ISA()
    {
        var advice = Read(Sample(new X12Delimiters('|', '{', '^', '\n')));
        Assert.Equal("25", advice.Claims[0].Lines[0].Modifiers.Single());
        Assert.Equal("L6", advice.ProviderAdjustments[0].Reason);
    }

    [Fact]
    public void A_payment_that_does_not_balance_names_the_BPR()
    {
        var e = Assert.Throws<X12FormatException>(() => Read(Sample(bpr02: "80.00")));
        Assert.Equal(("BPR", 4), (e.SegmentId, e.Position));
        Assert.Contains("81.25", e.Message);
    }

    [Fact]
    public void A_claim_whose_adjustments_do_not_add_up_names_the_CLP()
    {
        var e = Assert.Throws<X12FormatException>(() => Read(Sample().Replace("CAS*CO*16*100~", "CAS*CO*16*90~")));
        Assert.Equal(("CLP", 16), (e.SegmentId, e.Position));
    }

    [Fact]
    public void An_unknown_adjustment_group_names_the_CAS()
    {
        var e = Assert.Throws<X12FormatException>(() => Read(Sample().Replace("CAS*CO*16*100~", "CAS*XX*16*100~")));
        Assert.Equal(("CAS", 17), (e.SegmentId, e.Position));
    }

    [Fact]
    public void A_999_and_a_277CA_are_read_per_transaction_set_and_claim()
    {
        var w = new X12Writer(new X12Parties("ZZ", "CH", "ZZ", "PRACTICE"), 3, DateTimeOffset.UnixEpoch);
        w.BeginGroup("FA", 3, "005010X231A1");
        w.BeginTransaction("999", 1, "005010X231A1");
        w.Segment("AK1", "HC", "42", "005010X222A1");
        w.Segment("AK2", "837", "0001");
        w.Segment("IK3", "CLM", "22", "2300", "8");
        w.Segment("IK4", "2", "782", "7", "ABC");
        w.Segment("IK5", "R", "5");
        w.Segment("AK9", "R", "1", "1", "0");
        w.EndTransaction();
        w.EndGroup();
        var ack = Assert.Single(AcknowledgmentReader.Read999(X12Reader.Read(w.Finish())));
        Assert.Equal("42", ack.GroupControlNumber);
        var transaction = Assert.Single(ack.Transactions);
        Assert.False(transaction.Accepted);
        Assert.Equal(["IK3 CLM at segment 22 of the transaction set, loop 2300: segment error 8", "IK4 CLM02: element error 7 ('ABC')", "IK5 5"], transaction.Errors);
    }

    [Theory]
    [InlineData("tok_4111111111111111x", true)]
    [InlineData("4111-1111-1111-1111", true)]
    [InlineData("4111 1111 1111 1112", false)]
    [InlineData("tok_1Nx8Yp2eZvKYlo2C", false)]
    [InlineData("\"phone\":\"5555550100\"", false)]
    public void Card_numbers_are_found_by_length_and_Luhn(string text, bool card) => Assert.Equal(card, CardNumbers.Contains(text));
}
