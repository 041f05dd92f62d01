namespace FhirPractice.Billing.Ledger;

/// <summary>
/// Something billing staff must act on, kept in module state (kind <see cref="LedgerKeys.WorkItem"/>): a denial in its
/// queue (eligibility, authorization, coding, duplicate, timely-filing, other) with the day an appeal is due, or
/// remittance money that matched no claim line (queue unmatched).
/// </summary>
public sealed record WorkItem(string Queue, string Source, string? Claim, int? Line, string Codes, decimal Amount, string? Payer, string? AppealBy, string Detail)
{
    public const string Unmatched = "unmatched";
}
