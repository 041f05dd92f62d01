using System.Globalization;
using FhirPractice.Billing.Edi;
using FhirPractice.Billing.Posting;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Issue = Hl7.Fhir.Model.OperationOutcome.IssueComponent;

namespace FhirPractice.Billing.Claims;

/// <summary>
/// Claim/$submit: scrubs the claim; with errors answers a ClaimResponse with outcome error listing them; else writes
/// the 837P to the drop folder's outbound folder and, in one transaction through the engine, marks the Claim active
/// and records a queued ClaimResponse. The file is written under a temporary name first and put in place only after
/// the commit, so the clearinghouse never picks up a claim the server did not record.
/// </summary>
public sealed class ClaimSubmission(ClaimScrubber scrubber, Professional837Writer writer, BillingOptions options, TimeProvider clock)
{
    public const string CounterKind = "billing.counter";

    public async Task<List<Issue>> ScrubAsync(BillingDoor door, Claim claim, CancellationToken ct)
    {
        var package = await ClaimAssembler.AssembleAsync(door, claim, ct);
        var fingerprint = ClaimFingerprint.Of(claim);
        var existing = await door.Engine.Store.ScanStateAsync(new StateRange(ClaimFingerprint.Kind, fingerprint, fingerprint + "\0", 1), ct);
        return scrubber.Scrub(package, existing.FirstOrDefault()?.Value);
    }

    public async Task<ClaimResponse> SubmitAsync(BillingDoor door, Claim claim, CancellationToken ct)
    {
        var issues = await ScrubAsync(door, claim, ct);
        var now = clock.GetUtcNow();
        var response = new ClaimResponse
        {
            Status = FinancialResourceStatusCodes.Active,
            Type = claim.Type,
            Use = ClaimUseCode.Claim,
            Patient = claim.Patient,
            Created = now.ToString("o", CultureInfo.InvariantCulture),
            Insurer = (await ClaimAssembler.AssembleAsync(door, claim, ct)).Coverage.Payor.First(),
            Requestor = claim.Provider,
            Request = new ResourceReference("Claim/" + claim.Id),
        };
        if (issues.Count > 0)
        {
            response.Outcome = ClaimProcessingCodes.Error;
            response.Disposition = $"Not submitted: {issues.Count} scrubbing finding(s)";
            response.Error = issues.Select(i => new ClaimResponse.ErrorComponent
            {
                Code = new CodeableConcept("http://hl7.org/fhir/issue-type", i.Code?.ToString().ToLowerInvariant(), i.Diagnostics) { Text = $"{string.Join(", ", i.Expression)}: {i.Diagnostics}" },
            }).ToList();
            return response;
        }

        var control = await NextControlNumberAsync(door, ct);
        var package = await ClaimAssembler.AssembleAsync(door, claim, ct);
        var x12 = writer.Write([package], control, now);
        var outbound = Path.Combine(options.DropFolder, "outbound");
        Directory.CreateDirectory(outbound);
        var file = Path.Combine(outbound, $"837P-{control:D9}.x12");
        await File.WriteAllTextAsync(file + ".tmp", x12, ct);

        response.Outcome = ClaimProcessingCodes.Queued;
        response.Disposition = $"Queued for the clearinghouse in interchange {control:D9}";
        response.Identifier = [new Identifier("urn:fhirpractice:billing:interchange", control.ToString("D9", CultureInfo.InvariantCulture))];
        response.Total = [new ClaimResponse.TotalComponent
        {
            Category = new CodeableConcept(BillingSystems.AdjudicationCategory, "submitted"),
            Amount = new Money { Value = claim.Total?.Value ?? claim.Item.Sum(i => i.Charge()), Currency = Money.Currencies.USD },
        }];
        claim.Status = FinancialResourceStatusCodes.Active;
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = claim, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "Claim/" + claim.Id } });
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = response, FullUrl = "urn:uuid:" + Guid.NewGuid(), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ClaimResponse" } });
        try
        {
            var result = await door.TransactionAsync(bundle, ct);
            File.Move(file + ".tmp", file);
            response.Id = WrittenReference.Of(result.Entry[1].Response.Location)["ClaimResponse/".Length..];
            return response;
        }
        catch
        {
            File.Delete(file + ".tmp");
            throw;
        }
    }

    /// <summary>The next interchange control number (ISA13), counted in module state so no two interchanges share one.</summary>
    private static Task<long> NextControlNumberAsync(BillingDoor door, CancellationToken ct) =>
        door.Engine.Store.WriteAsync(tx =>
        {
            var next = long.Parse(tx.ReadState(CounterKind, "interchange")?.Value ?? "0", CultureInfo.InvariantCulture) % 999_999_999 + 1;
            tx.SaveState(new StateEntry(CounterKind, "interchange", next.ToString(CultureInfo.InvariantCulture)));
            return next;
        }, ct);
}
