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
        var claims = await FindAsync(door, advices.SelectMany(a => a.Claims).Select(c => c.ClaimNumber), ct);
        var accounts = new Dictionary<string, Account>(StringComparer.Ordinal);
        int claimsPosted = 0, unmatched = 0;
        foreach (var advice in advices)
        {
            var reconciliation = RemittanceResources.Reconciliation(advice, null, now);
            var responsibilities = new List<(string Patient, Claim Claim, int? Sequence, Coding? Procedure, CasAdjustment Adjustment)>();
            foreach (var paid in advice.Claims)
            {
                if (claims.GetValueOrDefault(paid.ClaimNumber) is not { } matched)
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

    /// <summary>Claim numbers looked up per search, and coverages read per search: a file's claims in a few engine calls, not two each.</summary>
    private const int PerSearch = 50;

    /// <summary>
    /// The submitted (active) claim of each claim number, the original before its corrections, with its focal coverage's
    /// payer; a number without one is left out.
    /// </summary>
    private static async Task<Dictionary<string, MatchedClaim>> FindAsync(BillingDoor door, IEnumerable<string> claimNumbers, CancellationToken ct)
    {
        var claims = new Dictionary<string, Claim>(StringComparer.Ordinal);
        foreach (var numbers in claimNumbers.Distinct(StringComparer.Ordinal).Chunk(PerSearch))
        {
            var identifiers = string.Join(',', numbers.Select(n => $"{BillingSystems.ClaimNumber}|{SearchValue(n)}"));
            foreach (var claim in await door.SearchAsync<Claim>("Claim", [new("identifier", identifiers), new("status", "active"), new("_count", "1000")], ct))
                if (claim.ClaimNumber() is { } number && (!claims.TryGetValue(number, out var kept) || kept.Prior() is not null && claim.Prior() is null))
                    claims[number] = claim;
        }

        var focal = claims.ToDictionary(c => c.Key, c => c.Value.Insurance.FirstOrDefault(i => i.Focal == true) ?? c.Value.Insurance.FirstOrDefault());
        var coverages = new Dictionary<string, Coverage>(StringComparer.Ordinal);
        var local = focal.Values.Select(i => i?.Coverage?.Reference).OfType<string>()
            .Where(r => r.StartsWith("Coverage/", StringComparison.Ordinal) && r.IndexOf('/', "Coverage/".Length) < 0).Distinct(StringComparer.Ordinal);
        foreach (var references in local.Chunk(PerSearch))
            foreach (var coverage in await door.SearchAsync<Coverage>("Coverage", [new("_id", string.Join(',', references.Select(r => r["Coverage/".Length..]))), new("_count", "1000")], ct))
                coverages["Coverage/" + coverage.Id] = coverage;

        var matched = new Dictionary<string, MatchedClaim>(StringComparer.Ordinal);
        foreach (var (number, claim) in claims)
        {
            if (focal[number] is not { Coverage: { } reference } insurance) continue;
            var coverage = reference.Reference is { } r && coverages.TryGetValue(r, out var found) ? found : await door.ReadAsync<Coverage>(reference, ct);
            if (coverage?.Payor.FirstOrDefault()?.Reference is { } payer) matched[number] = new MatchedClaim(claim, insurance.Coverage, payer);
        }
        return matched;
    }

    /// <summary>A value as a search parameter takes it: its own commas, pipes, dollars and backslashes escaped.</summary>
    private static string SearchValue(string value) =>
        value.Replace("\\", "\\\\").Replace(",", "\\,").Replace("|", "\\|").Replace("$", "\\$");

    private static void Add(Bundle bundle, Resource resource) => bundle.Entry.Add(new Bundle.EntryComponent
    {
        FullUrl = "urn:uuid:" + Guid.NewGuid(),
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
    });
}
