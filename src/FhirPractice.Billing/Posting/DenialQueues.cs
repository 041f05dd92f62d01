namespace FhirPractice.Billing.Posting;

/// <summary>
/// Which work queue a denial goes to, by its claim adjustment reason code (CARC). A non-PR adjustment with one of
/// these reasons is a denial: the balance stays open for an appeal instead of being adjusted off. On a denied claim
/// (CLP02 4) or an unpaid line, adjustments with other reasons are denials of queue "other".
/// </summary>
public static class DenialQueues
{
    public const string System = "urn:fhirpractice:billing:denial-queue";
    public const string Other = "other";

    private static readonly Dictionary<string, string> ByReason = new(StringComparer.Ordinal)
    {
        // Eligibility: before/after coverage, not our insured, not covered by this payer.
        ["26"] = "eligibility", ["27"] = "eligibility", ["31"] = "eligibility", ["32"] = "eligibility", ["33"] = "eligibility",
        ["109"] = "eligibility", ["177"] = "eligibility", ["200"] = "eligibility",
        // Authorization and precertification.
        ["15"] = "authorization", ["39"] = "authorization", ["62"] = "authorization", ["197"] = "authorization", ["198"] = "authorization", ["288"] = "authorization",
        // Coding and billing errors: missing information, code/modifier/diagnosis inconsistencies, NCCI.
        ["4"] = "coding", ["5"] = "coding", ["6"] = "coding", ["7"] = "coding", ["8"] = "coding", ["9"] = "coding", ["10"] = "coding", ["11"] = "coding",
        ["16"] = "coding", ["146"] = "coding", ["181"] = "coding", ["182"] = "coding", ["189"] = "coding", ["234"] = "coding", ["236"] = "coding",
        ["18"] = "duplicate",
        ["29"] = "timely-filing",
    };

    public static readonly IReadOnlyList<string> Names = ["eligibility", "authorization", "coding", "duplicate", "timely-filing", Other, Ledger.WorkItem.Unmatched];

    /// <summary>The queue of a denial, or null when the adjustment is not one (PR is never a denial).</summary>
    public static string? Of(string group, string reason, bool unpaid) =>
        group == "PR" ? null : ByReason.TryGetValue(reason, out var queue) ? queue : unpaid ? Other : null;
}
