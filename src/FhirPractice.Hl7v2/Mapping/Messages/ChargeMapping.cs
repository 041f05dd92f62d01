using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// DFT P03 (post detail financial transaction) and P11 (post detail financial transactions - expanded): a
/// ChargeItem per FT1, on the patient's account (PID-18, IG PID[Account]) when there is one. The patient and the
/// account are created when unknown, and left as they are otherwise: demographics belong to ADT, accounts to BAR.
/// </summary>
internal static class ChargeMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        var pid = context.Require("PID");
        await PatientMapping.MapAsync(pid, context, updates: false, ct);
        var account = AccountMapping.ExistingFromPid(pid, context);
        context.Require("FT1");
        foreach (var ft1 in context.All("FT1"))
            if (ChargeItemMapping.Map(ft1, context) is { } charge && account is not null)
                context.Transaction.Resource<ChargeItem>(charge).Account.Add(account);
    }
}
