using FhirPractice.Billing.X12;
using FhirPractice.Billing.X12.Guides;

namespace FhirPractice.Billing.Remittance;

/// <summary>A 999: which functional group it answers (AK1-02, our GS06), and per transaction set (AK2) whether it was accepted and what was wrong.</summary>
public sealed record BatchAcknowledgment(string GroupControlNumber, IReadOnlyList<TransactionAcknowledgment> Transactions);

/// <summary>IK5-01: A accepted, E accepted with errors, R/M/W/X rejected. Errors are "IK3 …" / "IK4 …" texts citing the guide's codes.</summary>
public sealed record TransactionAcknowledgment(string ControlNumber, string Status, IReadOnlyList<string> Errors)
{
    public bool Accepted => Status is "A" or "E";
}

/// <summary>A 277CA claim status: our claim number (TRN02 of 2200D), the STC statuses (category:status:entity) and the payer's claim number (REF*1K).</summary>
public sealed record ClaimAcknowledgment(string ClaimNumber, IReadOnlyList<string> Statuses, string? PayerClaimNumber, int Position)
{
    /// <summary>Category A1 (received), A2 (accepted into adjudication) and A5 (split) accept; A3, A4, A6, A7, A8 reject.</summary>
    public bool Accepted => Statuses.All(s => s.Split(':')[0] is "A1" or "A2" or "A5");
}

public static class AcknowledgmentReader
{
    public static IReadOnlyList<BatchAcknowledgment> Read999(X12Interchange interchange) =>
        interchange.Transactions.Select(t =>
        {
            var root = X12LoopReader.Read(t, Acknowledgment999.Spec);
            var ak1 = root.Segment("AK1") ?? throw new X12FormatException("ST", root.First.Position, "the 999 has no AK1");
            return new BatchAcknowledgment(ak1[2], root.Children("2000").Select(ak2 =>
            {
                var ik5 = ak2.Segment("IK5") ?? throw new X12FormatException("AK2", ak2.First.Position, "AK2 without its IK5");
                var errors = ak2.Children("2100").SelectMany(ik3 =>
                    ik3.Children("2110").Select(ik4 => $"IK4 {ik3.First[1]}{(int.TryParse(ik4.First.Component(1, 1), out var element) ? element.ToString("00") : ik4.First[1])}: element error {ik4.First[3]}{(ik4.First[4].Length > 0 ? $" ('{ik4.First[4]}')" : "")}")
                        .Prepend($"IK3 {ik3.First[1]} at segment {ik3.First[2]} of the transaction set{(ik3.First[3].Length > 0 ? $", loop {ik3.First[3]}" : "")}: segment error {ik3.First[4]}"))
                    .Concat(Enumerable.Range(2, 5).Select(i => ik5[i]).Where(c => c.Length > 0).Select(c => $"IK5 {c}"))
                    .ToList();
                return new TransactionAcknowledgment(ak2.First[2], ik5[1], errors);
            }).ToList());
        }).ToList();

    public static IReadOnlyList<ClaimAcknowledgment> Read277(X12Interchange interchange) =>
        interchange.Transactions
            .SelectMany(t => X12LoopReader.Read(t, ClaimAcknowledgment277.Spec).Descendants("2200D"))
            .Select(claim => new ClaimAcknowledgment(
                claim.First[2].Length > 0 ? claim.First[2] : throw new X12FormatException("TRN", claim.First.Position, "TRN02 (the claim's patient control number) is required"),
                claim.All("STC").Select(s => s[1]).ToList() is { Count: > 0 } statuses ? statuses : throw new X12FormatException("TRN", claim.First.Position, "claim status without STC"),
                claim.Segment("REF", 1, "1K")?[2],
                claim.First.Position))
            .ToList();
}
