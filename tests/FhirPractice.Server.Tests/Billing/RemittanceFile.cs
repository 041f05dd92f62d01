using FhirPractice.Billing.X12;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>Builds the X12 files a clearinghouse sends back (835, 999, 277CA) for the posting tests, with the envelopes the writer keeps right.</summary>
public static class RemittanceFile
{
    public sealed record Line(string ControlNumber, string Code, decimal Charge, decimal Paid, params (string Group, string Reason, decimal Amount)[] Adjustments)
    {
        public string[] Remarks { get; init; } = [];
    }

    public sealed record Paid(string ClaimNumber, string Status, params Line[] Lines);

    private static readonly DateTimeOffset At = new(2025, 4, 15, 9, 0, 0, TimeSpan.Zero);

    /// <summary>An 835 paying the claims on 2025-04-15, trace <paramref name="trace"/>, with provider adjustments (PLB reason, amount).</summary>
    public static string Remittance(string trace, Paid[] claims, params (string Reason, decimal Amount)[] providerAdjustments)
    {
        var w = new X12Writer(new X12Parties("ZZ", "TESTPAYER", "ZZ", "TESTSUBMITTER"), 501, At);
        w.BeginGroup("HP", 501, "005010X221A1");
        w.BeginTransaction("835", 1, "005010X221A1");
        var total = claims.Sum(c => c.Lines.Sum(l => l.Paid)) - providerAdjustments.Sum(a => a.Amount);
        w.Segment("BPR", "I", Amount(total), "C", "ACH", "CCP", "01", "999999999", "DA", "123456", "1512345678", "", "01", "999988880", "DA", "98765", "20250415");
        w.Segment("TRN", "1", trace, "1512345678");
        w.Segment("DTM", "405", "20250414");
        w.Segment("N1", "PR", "TEST HEALTH PLAN", "XV", "TESTPAYER");
        w.Segment("N1", "PE", "GOOD HEALTH CLINIC", "XX", "1234567893");
        w.Segment("LX", "1");
        foreach (var claim in claims)
        {
            var charge = claim.Lines.Sum(l => l.Charge);
            var paid = claim.Lines.Sum(l => l.Paid);
            var patient = claim.Lines.SelectMany(l => l.Adjustments).Where(a => a.Group == "PR").Sum(a => a.Amount);
            w.Segment("CLP", claim.ClaimNumber, claim.Status, Amount(charge), Amount(paid), Amount(patient), "12", "PAYER" + claim.ClaimNumber, "11", "1");
            w.Segment("NM1", "QC", "1", "DOE", "JANE", "", "", "", "MI", "MEM123");
            foreach (var line in claim.Lines)
            {
                w.Segment("SVC", w.Composite("HC", line.Code), Amount(line.Charge), Amount(line.Paid), "", "1");
                w.Segment("DTM", "472", "20250310");
                foreach (var group in line.Adjustments.GroupBy(a => a.Group))
                    w.Segment("CAS", [group.Key, .. group.SelectMany(a => new[] { a.Reason, Amount(a.Amount), "" })]);
                if (line.ControlNumber.Length > 0) w.Segment("REF", "6R", line.ControlNumber);
                foreach (var remark in line.Remarks) w.Segment("LQ", "HE", remark);
            }
        }
        foreach (var (reason, amount) in providerAdjustments)
            w.Segment("PLB", "1234567893", "20251231", w.Composite(reason, "REF1"), Amount(amount));
        w.EndTransaction();
        w.EndGroup();
        return w.Finish();
    }

    /// <summary>A 999 answering our interchange (GS06 = its control number): accepted, or rejected with an IK3/IK4 error.</summary>
    public static string Acknowledgment(string interchange, bool accepted)
    {
        var w = new X12Writer(new X12Parties("ZZ", "CLEARINGHOUSE", "ZZ", "TESTSUBMITTER"), 601, At);
        w.BeginGroup("FA", 601, "005010X231A1");
        w.BeginTransaction("999", 1, "005010X231A1");
        w.Segment("AK1", "HC", long.Parse(interchange).ToString(), "005010X222A1");
        w.Segment("AK2", "837", "0001", "005010X222A1");
        if (!accepted)
        {
            w.Segment("IK3", "NM1", "12", "2010BA", "8");
            w.Segment("IK4", "9", "67", "7", "MEM?");
        }
        w.Segment("IK5", accepted ? "A" : "R", accepted ? "" : "5");
        w.Segment("AK9", accepted ? "A" : "R", "1", "1", accepted ? "1" : "0");
        w.EndTransaction();
        w.EndGroup();
        return w.Finish();
    }

    /// <summary>A 277CA for one claim: its STC status (category:status:entity) and the payer's claim number.</summary>
    public static string ClaimStatus(string claimNumber, string status)
    {
        var w = new X12Writer(new X12Parties("ZZ", "TESTPAYER", "ZZ", "TESTSUBMITTER"), 701, At);
        w.BeginGroup("HN", 701, "005010X214");
        w.BeginTransaction("277", 1, "005010X214");
        w.Segment("BHT", "0085", "08", "277CA1", "20250416", "0900", "TH");
        w.Segment("HL", "1", "", "20", "1");
        w.Segment("NM1", "PR", "2", "TEST HEALTH PLAN", "", "", "", "", "PI", "TESTPAYER");
        w.Segment("HL", "2", "1", "21", "1");
        w.Segment("NM1", "41", "2", "TEST PRACTICE", "", "", "", "", "46", "TESTSUBMITTER");
        w.Segment("HL", "3", "2", "19", "1");
        w.Segment("NM1", "85", "2", "GOOD HEALTH CLINIC", "", "", "", "", "XX", "1234567893");
        w.Segment("HL", "4", "3", "PT");
        w.Segment("NM1", "QC", "1", "DOE", "JANE", "", "", "", "MI", "MEM123");
        w.Segment("TRN", "2", claimNumber);
        w.Segment("STC", status, "20250416", "WQ", "100");
        w.Segment("REF", "1K", "PAYER" + claimNumber);
        w.EndTransaction();
        w.EndGroup();
        return w.Finish();
    }

    private static string Amount(decimal value) => value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
}
