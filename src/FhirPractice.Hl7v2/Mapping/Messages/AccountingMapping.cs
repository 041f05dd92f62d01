using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// BAR (add/change billing account): P01 add, P05 update, P06 end, P02 purge, P10 ambulatory payment
/// classification, P12 update diagnosis/procedure. For each PID group: the Account of PID-18 (IG PID[Account];
/// inactive once ended or purged — purged accounts are kept, never erased), and for each visit in it the
/// Encounter (PV1) on that account, its Conditions (DG1), Procedures (PR1), the Coverages (IN1) the account
/// is billed to and its guarantors (GT1). The patient is created when unknown: demographics belong to ADT.
/// </summary>
internal static class AccountingMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        context.Require("PID");
        var ended = context.Header[9, 2] is "P02" or "P06";
        foreach (var (pid, members) in context.Groups("PID"))
        {
            await PatientMapping.MapAsync(pid, context, updates: false, ct);
            var accountReference = AccountMapping.FromPid(pid, context, ended ? Account.AccountStatus.Inactive : Account.AccountStatus.Active);
            if (accountReference is null)
                context.Warn(pid.At(18), "PID-18 (patient account number) is empty: the visits are mapped without an account");
            var account = accountReference is null ? null : context.Transaction.Resource<Account>(accountReference);
            context.Encounter = null;
            foreach (var segment in members)
                switch (segment.Id)
                {
                    case "PV1":
                        if (EncounterMapping.Map(segment, context) is { } visit && accountReference is not null)
                            context.Transaction.Resource<Encounter>(visit).Account.Add(accountReference);
                        break;
                    case "DG1": ConditionMapping.Map(segment, context, context.Encounter); break;
                    case "PR1": ProcedureMapping.Map(segment, context); break;
                    case "GT1" when account is not null: GuarantorMapping.Map(segment, account, context); break;
                    case "IN1":
                        if (CoverageMapping.Map(segment, context) is { } coverage && account is not null)
                            account.Coverage.Add(new Account.CoverageComponent { Coverage = coverage, Priority = account.Coverage.Count + 1 });
                        break;
                }
        }
    }
}
