using FhirPractice.Billing.Claims;
using FhirPractice.Billing.Patients;
using FhirPractice.Billing.Remittance;
using FhirPractice.Fhir;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Posting;

/// <summary>What posting an 835 did: the PaymentReconciliation per payment, and how many claims posted and how much matched nothing.</summary>
public sealed record PostingResult(IReadOnlyList<string> Reconciliations, int ClaimsPosted, int Unmatched, bool AlreadyPosted);

/// <summary>
/// Posts the payments of an 835 file in one engine transaction, so all of it or nothing is written (and the ledger
/// and work queues with it, by <see cref="Ledger.LedgerWriteHook"/>). A claim is found by its claim number (CLP01), a
/// service line by its line control number (REF*6R, which the 837P writes), never by procedure code and modifier:
/// a claim or line that does not match goes to the unmatched work queue. A payment already posted (same payer and
/// trace number) posts nothing again.
/// </summary>
public sealed class RemittancePosting(TimeProvider clock)
{
    public async Task<PostingResult> PostAsync(BillingDoor door, IReadOnlyList<RemittanceAdvice> advices, CancellationToken ct)
    {
        var posted = new List<string>();
        foreach (var advice in advices)
            if ((await door.SearchAsync<PaymentReconciliation>("PaymentReconciliation", [new("identifier", $"{PostingSystems.RemittanceTrace}|{advice.TraceKey}")], ct)).FirstOrDefault() is { } existing)
                posted.Add("PaymentReconciliation/" + existing.Id);
        if (posted.Count == advices.Count) return new PostingResult(posted, 0, 0, AlreadyPosted: true);
        if (posted.Count > 0)
            throw FhirError.Conflict($"Part of this file is already posted ({string.Join(", ", posted)}); it is not posted again in part");

        var now = clock.GetUtcNow();
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var claims = new Dictionary<string, MatchedClaim?>(StringComparer.Ordinal);
        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        int claimsPosted = 0, unmatched = 0;
        foreach (var advice in advices)
        {
            var reconciliation = RemittanceResources.Reconciliation(advice, null, now);
            var responsibilities = new List<(string Patient, Claim Claim, int? Sequence, Coding? Procedure, CasAdjustment Adjustment)>();
            foreach (var paid in advice.Claims)
            {
                if (!claims.TryGetValue(paid.ClaimNumber, out var matched))
                    claims[paid.ClaimNumber] = matched = await FindAsync(door, paid.ClaimNumber, ct);
                if (matched is null)
                {
                    unmatched++;
                    reconciliation.Detail.Add(RemittanceResources.Detail(PostingSystems.UnmatchedClaim, new Identifier(BillingSystems.ClaimNumber, paid.ClaimNumber), null,
                        paid.Paid, advice.PaymentDate, $"CLP at segment {paid.Position}: no claim has number {paid.ClaimNumber}"));
                    continue;
                }
                var claim = matched.Claim;
                reconciliation.PaymentIssuer ??= new ResourceReference(matched.Payer);
                var lines = new List<(ServicePayment, Claim.ItemComponent)>();
                foreach (var line in paid.Lines)
                {
                    var item = line.LineControlNumber is { } control && ClaimFacts.ParseLineControlNumber(control) is { } parsed && parsed.ClaimNumber == paid.ClaimNumber
                        ? claim.Item.FirstOrDefault(i => i.Sequence == parsed.Sequence) : null;
                    if (item is null)
                    {
                        unmatched++;
                        reconciliation.Detail.Add(RemittanceResources.Detail(PostingSystems.UnmatchedLine,
                            new Identifier(PostingSystems.LineControlNumber, line.LineControlNumber ?? "(none)"), "Claim/" + claim.Id, line.Paid, advice.PaymentDate,
                            $"SVC at segment {line.Position} ({line.Procedure}): {(line.LineControlNumber is null ? "no REF*6R line control number" : $"REF*6R {line.LineControlNumber} is no line of claim {paid.ClaimNumber}")}"));
                        continue;
                    }
                    lines.Add((line, item));
                    responsibilities.AddRange(line.Adjustments.Where(a => a.Group == "PR")
                        .Select(a => (claim.Patient.Reference, claim, item.Sequence, item.ProductOrService?.Coding.FirstOrDefault(), a)));
                }
                responsibilities.AddRange(paid.Adjustments.Where(a => a.Group == "PR").Select(a => (claim.Patient.Reference, claim, (int?)null, (Coding?)null, a)));
                var eob = RemittanceResources.ExplanationOfBenefit(advice, paid, matched, lines, now);
                Add(bundle, eob);
                reconciliation.Detail.Add(RemittanceResources.Detail(PostingSystems.ClaimPayment, new Identifier(BillingSystems.ClaimNumber, paid.ClaimNumber), "Claim/" + claim.Id,
                    paid.Paid, advice.PaymentDate, eob.Disposition));
                claimsPosted++;
            }
            foreach (var patient in responsibilities.GroupBy(r => r.Patient))
            {
                if (!accounts.TryGetValue(patient.Key, out var account))
                    accounts[patient.Key] = account = await PatientAccounts.FindOrCreateAsync(door, patient.Key, null, ct);
                Add(bundle, RemittanceResources.Statement(patient.Key, account, patient.Select(r => (r.Claim, r.Sequence, r.Procedure, r.Adjustment)), now));
            }
            reconciliation.Detail.AddRange(RemittanceResources.ProviderAdjustments(advice));
            Add(bundle, reconciliation);
        }
        var result = await door.TransactionAsync(bundle, ct);
        var reconciliations = result.Entry.Select(e => WrittenReference.Of(e.Response.Location)).Where(l => l.StartsWith("PaymentReconciliation/")).ToList();
        return new PostingResult(reconciliations, claimsPosted, unmatched, AlreadyPosted: false);
    }

    /// <summary>The claim with this claim number that was submitted (active), with its focal coverage's payer.</summary>
    private static async Task<MatchedClaim?> FindAsync(BillingDoor door, string claimNumber, CancellationToken ct)
    {
        var found = await door.SearchAsync<Claim>("Claim", [new("identifier", $"{BillingSystems.ClaimNumber}|{claimNumber}"), new("status", "active")], ct);
        if ((found.FirstOrDefault(c => c.Prior() is null) ?? found.FirstOrDefault()) is not { } claim) return null;
        var focal = claim.Insurance.FirstOrDefault(i => i.Focal == true) ?? claim.Insurance.FirstOrDefault();
        var coverage = await door.ReadAsync<Coverage>(focal?.Coverage, ct);
        return coverage?.Payor.FirstOrDefault()?.Reference is { } payer ? new MatchedClaim(claim, focal!.Coverage, payer) : null;
    }

    private static void Add(Bundle bundle, Resource resource) => bundle.Entry.Add(new Bundle.EntryComponent
    {
        FullUrl = "urn:uuid:" + Guid.NewGuid(),
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
    });
}
