using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>
/// <c>GET|POST [base]/AuditEvent/$verify-chain</c> (conformance/OperationDefinition-AuditEvent-verify-chain.json):
/// checks the audit trail's hash chain and answers a Parameters: intact, checked, head, and for a broken chain the
/// first bad event (reference, number) and what is wrong with it.
/// </summary>
public sealed class VerifyChainOperation(ChainVerifier verifier)
{
    public const string Canonical = "http://fhirpractice.org/fhir/OperationDefinition/AuditEvent-verify-chain";

    public FhirOperation Definition => new("verify-chain", Canonical, System: false, Type: true, Instance: false, ["AuditEvent"],
        async (_, _, _, _, ct) => new FhirResponse { Resource = Answer(await verifier.VerifyAsync(ct)) });

    public static Parameters Answer(ChainReport report)
    {
        var answer = new Parameters();
        answer.Add("intact", new FhirBoolean(report.Intact));
        answer.Add("checked", new Integer((int)Math.Min(report.Checked, int.MaxValue)));
        answer.Add("head", new Integer((int)Math.Min(report.Head, int.MaxValue)));
        if (report.FirstBadId is { } id) answer.Add("firstBad", new ResourceReference($"AuditEvent/{id}"));
        if (report.FirstBadSequence is { } sequence) answer.Add("firstBadNumber", new Integer((int)Math.Min(sequence, int.MaxValue)));
        if (report.Problem is { } problem) answer.Add("problem", new FhirString(problem));
        return answer;
    }
}
