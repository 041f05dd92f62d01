using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Patients;

/// <summary>
/// One Account per patient (type PBILLACCT, patient billing account), found by its identifier
/// (<c>urn:fhirpractice:billing:account|{patient id}</c>) or created by a conditional create, so two captures at
/// once still make one. Its guarantor is the one another active account of the patient names (as an HL7 v2 feed's
/// GT1 does on the account PID-18 numbers), else the subscriber of the patient's primary coverage when that is
/// someone else, else the patient. Charge capture and remittance posting (statements, sent to that guarantor) share it.
/// </summary>
public static class PatientAccounts
{
    public static async Task<Account> FindOrCreateAsync(BillingDoor door, string patient, Coverage? primary, CancellationToken ct)
    {
        var identifier = $"{BillingSystems.Account}|{patient.Split('/')[1]}";
        var found = await door.SearchAsync<Account>("Account", [new("identifier", identifier)], ct);
        if (found.FirstOrDefault() is { } existing) return existing;
        var guarantor = await GuarantorAsync(door, patient, primary, ct);
        var account = new Account
        {
            Identifier = [new Identifier(BillingSystems.Account, patient.Split('/')[1])],
            Status = Account.AccountStatus.Active,
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PBILLACCT", "patient billing account"),
            Name = "Patient account",
            Subject = [new ResourceReference(patient)],
            Guarantor = [new Account.GuarantorComponent { Party = guarantor }],
        };
        return (Account)await door.CreateAsync(account, ct, ifNoneExist: "identifier=" + identifier);
    }

    /// <summary>Who a statement of the account is sent to: its first guarantor not on hold, else the patient.</summary>
    public static ResourceReference StatementRecipient(Account account, string patient) =>
        account.Guarantor.FirstOrDefault(g => g.OnHold != true && g.Party?.Reference is not null)?.Party ?? new ResourceReference(patient);

    private static async Task<ResourceReference> GuarantorAsync(BillingDoor door, string patient, Coverage? primary, CancellationToken ct)
    {
        var accounts = await door.SearchAsync<Account>("Account", [new("patient", patient), new("status", "active")], ct);
        if (accounts.SelectMany(a => a.Guarantor).FirstOrDefault(g => g.OnHold != true && g.Party?.Reference is not null) is { } named)
            return named.Party;
        return primary?.Subscriber?.Reference is { } subscriber && subscriber != patient ? primary.Subscriber : new ResourceReference(patient);
    }
}
