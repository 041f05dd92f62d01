using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Patients;

/// <summary>
/// One Account per patient (type PBILLACCT, patient billing account), found by its identifier
/// (<c>urn:fhirpractice:billing:account|{patient id}</c>) or created by a conditional create, so two captures at
/// once still make one. The guarantor is the subscriber of the patient's primary coverage when that is someone
/// else, else the patient. Charge capture and remittance posting (statements) share it.
/// </summary>
public static class PatientAccounts
{
    public static async Task<string> FindOrCreateAsync(BillingDoor door, string patient, Coverage? primary, CancellationToken ct)
    {
        var identifier = $"{BillingSystems.Account}|{patient.Split('/')[1]}";
        var found = await door.SearchAsync<Account>("Account", [new("identifier", identifier)], ct);
        if (found.FirstOrDefault() is { } existing) return "Account/" + existing.Id;
        var guarantor = primary?.Subscriber?.Reference is { } subscriber && subscriber != patient ? primary.Subscriber : new ResourceReference(patient);
        var account = new Account
        {
            Identifier = [new Identifier(BillingSystems.Account, patient.Split('/')[1])],
            Status = Account.AccountStatus.Active,
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PBILLACCT", "patient billing account"),
            Name = "Patient account",
            Subject = [new ResourceReference(patient)],
            Guarantor = [new Account.GuarantorComponent { Party = guarantor }],
        };
        var created = await door.CreateAsync(account, ct, ifNoneExist: "identifier=" + identifier);
        return "Account/" + created.Id;
    }
}
