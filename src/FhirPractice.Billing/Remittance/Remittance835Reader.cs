using System.Globalization;
using FhirPractice.Billing.X12;
using FhirPractice.Billing.X12.Guides;

namespace FhirPractice.Billing.Remittance;

/// <summary>
/// Reads the 835s of an interchange into <see cref="RemittanceAdvice"/>s and checks that they balance as the guide
/// requires (a service line's charge less its adjustments is what was paid; likewise the claim; BPR02 is the claims'
/// payments less the provider-level adjustments). Anything missing or out of balance is an
/// <see cref="X12FormatException"/> naming the segment and its position: such a file posts nothing.
/// </summary>
public static class Remittance835Reader
{
    public static IReadOnlyList<RemittanceAdvice> Read(X12Interchange interchange) =>
        interchange.Transactions.Select(t => Read(X12LoopReader.Read(t, Remittance835.Spec))).ToList();

    private static RemittanceAdvice Read(X12Loop root)
    {
        var bpr = Required(root, "BPR");
        var trn = Required(root, "TRN");
        var payer = root.Child("1000A") ?? throw Missing(root, "N1*PR (1000A payer)");
        var payee = root.Child("1000B") ?? throw Missing(root, "N1*PE (1000B payee)");
        var claims = root.Children("2000").SelectMany(lx => lx.Children("2100")).Select(Claim).ToList();
        var adjustments = root.All("PLB").SelectMany(ProviderAdjustments).ToList();

        var expected = claims.Sum(c => c.Paid) - adjustments.Sum(a => a.Amount);
        var paid = bpr.Decimal(2);
        if (paid != expected)
            throw new X12FormatException("BPR", bpr.Position, $"BPR02 {paid} does not balance: the claims' payments less the provider adjustments are {expected}");
        return new RemittanceAdvice(
            TraceNumber: Text(trn, 2),
            PayerTraceId: Text(trn, 3),
            PaymentMethod: bpr[4],
            PaymentAmount: paid,
            PaymentDate: Date(bpr, 16),
            PayerName: payer.First[2],
            PayerId: NonEmpty(payer.First[4]) ?? NonEmpty(payer.Segment("REF", 1, "2U")?[2]) ?? trn[3],
            PayeeName: payee.First[2],
            PayeeNpi: payee.First[3] == "XX" ? payee.First[4] : null,
            Claims: claims,
            ProviderAdjustments: adjustments);
    }

    private static ClaimPayment Claim(X12Loop loop)
    {
        var clp = loop.First;
        var lines = loop.Children("2110").Select(Line).ToList();
        var adjustments = Adjustments(loop);
        var claim = new ClaimPayment(
            ClaimNumber: Text(clp, 1),
            Status: Text(clp, 2),
            Charge: clp.Decimal(3),
            Paid: clp.Decimal(4),
            PatientResponsibility: clp.Decimal(5),
            PayerClaimNumber: NonEmpty(clp[7]),
            Adjustments: adjustments,
            Remarks: loop.All("MOA").SelectMany(m => Enumerable.Range(3, 5).Select(i => m[i])).Where(r => r.Length > 0).ToList(),
            Lines: lines,
            Position: clp.Position);
        // A reversal (CLP02 22) carries negative amounts; its balance holds the same way.
        var adjusted = claim.Charge - adjustments.Sum(a => a.Amount) - lines.Sum(l => l.Adjustments.Sum(a => a.Amount));
        if (adjusted != claim.Paid)
            throw new X12FormatException("CLP", clp.Position, $"claim {claim.ClaimNumber} does not balance: CLP03 {claim.Charge} less its adjustments is {adjusted}, CLP04 says {claim.Paid}");
        if (lines.Count > 0 && lines.Sum(l => l.Paid) != claim.Paid)
            throw new X12FormatException("CLP", clp.Position, $"claim {claim.ClaimNumber}: its service lines pay {lines.Sum(l => l.Paid)}, CLP04 says {claim.Paid}");
        return claim;
    }

    private static ServicePayment Line(X12Loop loop)
    {
        var svc = loop.First;
        var composite = Enumerable.Range(1, 6).Select(i => svc.Component(1, i)).ToList();
        if (composite[0] is not ("HC" or "AD" or "ER" or "IV" or "WK" or "N4") || composite[1].Length == 0)
            throw new X12FormatException("SVC", svc.Position, $"SVC01 '{svc[1]}' is not a procedure (qualifier:code)");
        var adjustments = Adjustments(loop);
        var line = new ServicePayment(
            LineControlNumber: NonEmpty(loop.Segment("REF", 1, "6R")?[2]),
            Procedure: composite[1],
            Modifiers: composite.Skip(2).Where(m => m.Length > 0).ToList(),
            Charge: svc.Decimal(2),
            Paid: svc.Decimal(3),
            Units: svc[5].Length > 0 ? svc.Decimal(5) : 1m,
            ServiceDate: loop.Segment("DTM", 1, "472") is { } dtm ? Date(dtm, 2) : null,
            Adjustments: adjustments,
            Remarks: loop.All("LQ").Where(l => l[1] == "HE").Select(l => l[2]).ToList(),
            Position: svc.Position);
        if (line.Charge - adjustments.Sum(a => a.Amount) != line.Paid)
            throw new X12FormatException("SVC", svc.Position, $"service line {line.LineControlNumber ?? line.Procedure} does not balance: SVC02 {line.Charge} less its adjustments is {line.Charge - adjustments.Sum(a => a.Amount)}, SVC03 says {line.Paid}");
        return line;
    }

    /// <summary>The CAS segments of a loop: a group code, then up to six reason/amount/quantity triples.</summary>
    private static List<CasAdjustment> Adjustments(X12Loop loop)
    {
        var result = new List<CasAdjustment>();
        foreach (var cas in loop.All("CAS"))
        {
            if (cas[1] is not ("CO" or "PR" or "OA" or "PI"))
                throw new X12FormatException("CAS", cas.Position, $"CAS01 '{cas[1]}' is not a claim adjustment group code (CO, PR, OA, PI)");
            for (var i = 2; i <= 17 && cas[i].Length > 0; i += 3)
                result.Add(new CasAdjustment(cas[1], cas[i], cas.Decimal(i + 1)));
        }
        return result;
    }

    private static IEnumerable<ProviderAdjustment> ProviderAdjustments(X12Segment plb)
    {
        var period = Date(plb, 2);
        for (var i = 3; i <= 13 && plb[i].Length > 0; i += 2)
            yield return new ProviderAdjustment(plb.Component(i, 1), NonEmpty(plb.Component(i, 2)), plb.Decimal(i + 1), period);
    }

    private static X12Segment Required(X12Loop loop, string id) => loop.Segment(id) ?? throw Missing(loop, id);

    private static X12FormatException Missing(X12Loop loop, string what) =>
        new("ST", loop.First.Position, $"the 835 (ST02 {loop.First[2]}) has no {what}");

    private static string Text(X12Segment s, int index) =>
        NonEmpty(s[index]) ?? throw new X12FormatException(s.Id, s.Position, $"{s.Id}{index:00} is required");

    private static DateOnly Date(X12Segment s, int index) =>
        DateOnly.TryParseExact(s[index], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new X12FormatException(s.Id, s.Position, $"{s.Id}{index:00} '{s[index]}' is not a date (CCYYMMDD)");

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
