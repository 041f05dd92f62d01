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

    /// <summary>The account with this number, the patient's, written by that number (an update when it is stored).</summary>
    public static ResourceReference Put(Identifier number, ResourceReference patient, MappingContext context, Account.AccountStatus status = Account.AccountStatus.Active) =>
        context.Transaction.PutByIdentifier(new Account
        {
            Status = status,                                                                       // IG: "active"
            Identifier = [number],
            Subject = [patient],
        }, number);
}
