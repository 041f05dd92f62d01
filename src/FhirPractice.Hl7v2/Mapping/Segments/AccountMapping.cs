using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>PID-18 to Account (IG PID[Account]).</summary>
internal static class AccountMapping
{
    /// <summary>The stored resources that are on an account, and the search parameter that finds them by it.</summary>
    public static readonly (string Type, string Parameter)[] OnTheAccount = [("ChargeItem", "account"), ("Encounter", "account")];

    /// <summary>The patient's account PID-18 names, matched by that number; null when PID-18 is empty.</summary>
    public static ResourceReference? FromPid(V2Segment pid, MappingContext context, Account.AccountStatus status = Account.AccountStatus.Active)
    {
        if (Identifiers.FromCx(pid.Field(18), context) is not { } number) return null;         // PID-18
        return Put(number, context.Patient, context, status);
    }

    /// <summary>
    /// The account PID-18 names as it is stored (a message that posts to it — DFT — does not own it), created for the
    /// patient when unknown; null when PID-18 is empty.
    /// </summary>
    public static ResourceReference? ExistingFromPid(V2Segment pid, MappingContext context) =>
        Identifiers.FromCx(pid.Field(18), context) is { } number                                  // PID-18
            ? context.Transaction.CreateIfNoneExist(new Account
            {
                Status = Account.AccountStatus.Active, Identifier = [number], Subject = [context.Patient],
            }, number)
            : null;

    /// <summary>
    /// ADT's account (IG ADT_A01: PID[Account]): the patient's account PID-18 names, with what the billing feed
    /// stored of it (status, coverages, guarantors) kept; the message's GT1s, when it has any, are its guarantors
    /// (<see cref="GuarantorMapping"/>), replacing those stored. Null when PID-18 is empty.
    /// </summary>
    public static async System.Threading.Tasks.Task<ResourceReference?> FromAdtAsync(V2Segment pid, IReadOnlyList<V2Segment> guarantors, MappingContext context, CancellationToken ct)
    {
        if (Identifiers.FromCx(pid.Field(18), context) is not { } number)                          // PID-18
        {
            if (guarantors.Count > 0) context.Warn(pid.At(18), "PID-18 (patient account number) is empty: the guarantors (GT1) are not mapped");
            return null;
        }
        var reference = Put(number, context.Patient, context);
        var account = context.Transaction.Resource<Account>(reference);
        if (await context.Lookup.FirstHoldingAsync<Account>([number], ct) is { } stored)
        {
            account.Status = stored.Status;
            account.Coverage.AddRange(stored.Coverage);
            if (guarantors.Count == 0) account.Guarantor.AddRange(stored.Guarantor);
        }
        foreach (var gt1 in guarantors) GuarantorMapping.Map(gt1, account, context);
        return reference;
    }

    /// <summary>The account with this number, the patient's, written by that number (an update when it is stored).</summary>
    public static ResourceReference Put(Identifier number, ResourceReference patient, MappingContext context, Account.AccountStatus status = Account.AccountStatus.Active) =>
        context.Transaction.PutByIdentifier(new Account
        {
            Status = status,                                                                       // IG: "active"
            Identifier = [number],
            Subject = [patient],
        }, number);
}
