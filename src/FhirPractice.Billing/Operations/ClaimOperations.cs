using System.Net;
using FhirPractice.Billing.Claims;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Operations;

/// <summary>
/// Encounter/[id]/$build-claim (a draft Claim from the encounter's charges, stored), Claim/[id]/$scrub (the findings
/// as an OperationOutcome) and Claim/[id]/$submit (a ClaimResponse: queued, or error with the findings).
/// </summary>
public sealed class ClaimOperations(ClaimBuilder builder, ClaimSubmission submission)
{
    public IEnumerable<FhirOperation> Definitions =>
    [
        new("build-claim", "http://fhirpractice.org/OperationDefinition/Encounter-build-claim", System: false, Type: false, Instance: true, Types: ["Encounter"], Handler: BuildAsync),
        new("scrub", "http://fhirpractice.org/OperationDefinition/Claim-scrub", System: false, Type: false, Instance: true, Types: ["Claim"], Handler: ScrubAsync),
        new("submit", "http://fhirpractice.org/OperationDefinition/Claim-submit", System: false, Type: false, Instance: true, Types: ["Claim"], Handler: SubmitAsync),
    ];

    private async Task<FhirResponse> BuildAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        RequirePost(r);
        var door = new BillingDoor(engine, r);
        var claim = await door.CreateAsync(await builder.BuildAsync(door, id!, ct), ct);
        return new FhirResponse { Status = HttpStatusCode.Created, Resource = claim, Location = $"{r.BaseUrl}/Claim/{claim.Id}" };
    }

    private async Task<FhirResponse> ScrubAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var door = new BillingDoor(engine, r);
        var issues = await submission.ScrubAsync(door, await ReadClaimAsync(door, id!, ct), ct);
        var outcome = new OperationOutcome { Issue = issues };
        if (issues.Count == 0)
            outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational, Diagnostics = "The claim is clean" });
        return new FhirResponse { Resource = outcome };
    }

    private async Task<FhirResponse> SubmitAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        RequirePost(r);
        var door = new BillingDoor(engine, r);
        var claim = await ReadClaimAsync(door, id!, ct);
        if (claim.Status is not (FinancialResourceStatusCodes.Draft or FinancialResourceStatusCodes.Cancelled) ||
            (claim.Status == FinancialResourceStatusCodes.Cancelled && claim.Prior() is null))
            throw FhirError.Unprocessable($"Only a draft claim, or a cancelled one voiding a prior claim, can be submitted; this one is {claim.Status?.ToString().ToLowerInvariant()}", "Claim.status");
        var response = await submission.SubmitAsync(door, claim, ct);
        return new FhirResponse { Status = response.Outcome == ClaimProcessingCodes.Error ? HttpStatusCode.OK : HttpStatusCode.Created, Resource = response };
    }

    private static async Task<Claim> ReadClaimAsync(BillingDoor door, string id, CancellationToken ct) =>
        await door.ReadAsync<Claim>(new ResourceReference("Claim/" + id), ct) ?? throw FhirError.NotFound($"Claim/{id} does not exist");

    private static void RequirePost(FhirRequest r)
    {
        if (!r.Method.Equals("POST", StringComparison.OrdinalIgnoreCase))
            throw new FhirError(HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, "This operation changes data: use POST");
    }
}
