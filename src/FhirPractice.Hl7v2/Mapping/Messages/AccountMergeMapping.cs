using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A41 (merge account), A35 (merge patient information, account number only) and A49 (change patient
/// account number): for each PID/MRG pair the account MRG-3 names (IG MRG[Account]) is merged into the one
/// PID-18 names (IG PID[Account]). The prior account becomes inactive — the IG's MRG[Account] says
/// "unknown", but the message says what became of it — and stored charges and encounters on it move to the
/// survivor. An MRG without MRG-3 names no account: the patient is updated and a warning says so.
/// </summary>
internal static class AccountMergeMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        context.Require("PID");
        context.Require("MRG");
        V2Segment? pid = null;
        foreach (var segment in context.Segments)
        {
            if (segment.Id == "PID")
            {
                pid = segment;
                await PatientMapping.MapAsync(pid, context, updates: true, ct);
            }
            else if (segment.Id == "MRG" && pid is not null) await MergeAsync(pid, segment, context, ct);
        }
    }

    private static async System.Threading.Tasks.Task MergeAsync(V2Segment pid, V2Segment mrg, MappingContext context, CancellationToken ct)
    {
        if (Identifiers.FromCx(mrg.Field(3), context) is not { } prior)                              // MRG-3
        {
            context.Warn(mrg.At(3), "MRG-3 (prior patient account number) is empty: no account merged");
            return;
        }
        var survivor = AccountMapping.FromPid(pid, context)
            ?? throw V2Segment.RequiredFieldMissing(pid.At(18), "Patient Account Number (the surviving account)");
        await MergeMapping.MergeIntoAsync(prior, survivor, () => new Account { Identifier = [prior], Subject = [context.Patient] },
            merged => merged.Status = Account.AccountStatus.Inactive, AccountMapping.OnTheAccount, context, ct);
    }
}
