using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Patients;

/// <summary>
/// The patient's billing Account, found or created through the engine: the first active Account whose subject is the
/// patient, else a new one (a conditional create, so two postings at once make one). Kept minimal and separate so
/// charge capture can share it.
/// </summary>
public static class PatientAccounts
{
    public static async Task<string> FindOrCreateAsync(BillingDoor door, string patient, CancellationToken ct)
    {
        var existing = await door.SearchAsync<Account>("Account", [new("subject", patient), new("status", "active"), new("_count", "1")], ct);
        if (existing.FirstOrDefault() is { } account) return "Account/" + account.Id;
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = new Account
            {
                Status = Account.AccountStatus.Active,
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PBILLACCT", "patient billing account"),
                Subject = [new ResourceReference(patient)],
            },
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Account", IfNoneExist = $"subject={patient}&status=active" },
        });
        var result = await door.TransactionAsync(bundle, ct);
        return Posting.WrittenReference.Of(result.Entry[0].Response.Location);
    }
}
