using FhirPractice.Billing.Claims;
using FhirPractice.Billing.Remittance;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Posting;

/// <summary>
/// Records the clearinghouse's and payer's acknowledgments on the ClaimResponses of submitted claims, in one engine
/// transaction per file: a 999 on every claim of the interchange it answers (accepted stays queued; rejected becomes
/// outcome error with the IK3/IK4/IK5 codes), a 277CA on each claim it names (accepted into adjudication stays
/// queued, rejected becomes error with the STC codes; REF*1K records the payer's claim number).
/// </summary>
public sealed class AcknowledgmentPosting
{
    public const string InterchangeSystem = "urn:fhirpractice:billing:interchange";

    public async Task<(int Updated, List<string> NotFound)> Post999Async(BillingDoor door, IReadOnlyList<BatchAcknowledgment> acknowledgments, CancellationToken ct)
    {
        var changed = new List<ClaimResponse>();
        var notFound = new List<string>();
        foreach (var ack in acknowledgments)
        {
            var interchange = long.TryParse(ack.GroupControlNumber, out var n) ? n.ToString("D9") : ack.GroupControlNumber;
            var responses = await door.SearchAsync<ClaimResponse>("ClaimResponse", [new("identifier", $"{InterchangeSystem}|{interchange}")], ct);
            if (responses.Count == 0) notFound.Add($"interchange {interchange}");
            // Our 837P has one transaction set per interchange: its acknowledgment is every claim's.
            var verdict = ack.Transactions.FirstOrDefault();
            foreach (var response in responses.Where(_ => verdict is not null))
            {
                response.Disposition = verdict!.Accepted ? $"Accepted by the clearinghouse (999 IK5 {verdict.Status})" : $"Rejected by the clearinghouse (999 IK5 {verdict.Status})";
                if (!verdict.Accepted)
                {
                    response.Outcome = ClaimProcessingCodes.Error;
                    response.Error = verdict.Errors.DefaultIfEmpty($"IK5 {verdict.Status}").Select(e => new ClaimResponse.ErrorComponent
                    {
                        Code = new CodeableConcept(PostingSystems.Acknowledgment999, e.Split(' ')[0], e) { Text = e },
                    }).ToList();
                }
                changed.Add(response);
            }
        }
        await UpdateAsync(door, changed, ct);
        return (changed.Count, notFound);
    }

    public async Task<(int Updated, List<string> NotFound)> Post277Async(BillingDoor door, IReadOnlyList<ClaimAcknowledgment> acknowledgments, CancellationToken ct)
    {
        var changed = new List<ClaimResponse>();
        var notFound = new List<string>();
        foreach (var ack in acknowledgments)
        {
            var claim = (await door.SearchAsync<Claim>("Claim", [new("identifier", $"{BillingSystems.ClaimNumber}|{ack.ClaimNumber}"), new("status", "active")], ct)).FirstOrDefault();
            var response = claim is null ? null
                : (await door.SearchAsync<ClaimResponse>("ClaimResponse", [new("request", "Claim/" + claim.Id), new("_sort", "-_lastUpdated"), new("_count", "1")], ct)).FirstOrDefault();
            if (response is null)
            {
                notFound.Add($"claim {ack.ClaimNumber} (TRN at segment {ack.Position})");
                continue;
            }
            response.Disposition = $"{(ack.Accepted ? "Accepted" : "Rejected")} by the payer (277CA STC {string.Join(", ", ack.Statuses)})";
            response.Outcome = ack.Accepted ? ClaimProcessingCodes.Queued : ClaimProcessingCodes.Error;
            response.Error = ack.Accepted ? [] : ack.Statuses.Select(s =>
            {
                var parts = s.Split(':');
                var code = new CodeableConcept(PostingSystems.ClaimStatusCategory, parts[0]) { Text = "STC " + s };
                if (parts.Length > 1 && parts[1].Length > 0) code.Coding.Add(new Coding(PostingSystems.ClaimStatus, parts[1]));
                return new ClaimResponse.ErrorComponent { Code = code };
            }).ToList();
            if (ack.PayerClaimNumber is { } payerClaim && !response.Identifier.Any(i => i.System == BillingSystems.PayerClaimNumber))
                response.Identifier.Add(new Identifier(BillingSystems.PayerClaimNumber, payerClaim));
            changed.Add(response);
        }
        await UpdateAsync(door, changed, ct);
        return (changed.Count, notFound);
    }

    private static async System.Threading.Tasks.Task UpdateAsync(BillingDoor door, List<ClaimResponse> responses, CancellationToken ct)
    {
        if (responses.Count == 0) return;
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var response in responses)
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = response, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "ClaimResponse/" + response.Id } });
        await door.TransactionAsync(bundle, ct);
    }
}
