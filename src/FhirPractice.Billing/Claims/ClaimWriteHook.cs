using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Claims;

/// <summary>
/// Keeps the fingerprints of submitted claims (<see cref="ClaimFingerprint"/>) in the write's own transaction: an
/// active Claim with a claim number takes its fingerprint (a replacement takes it over from the claim it
/// replaces), a cancelled one (a void) gives it up. Only Claims are parsed; they are small.
/// </summary>
public sealed class ClaimWriteHook : IWriteHook
{
    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        if (write.Type != "Claim" || write.Deleted) return;
        var claim = (Claim)write.Resource();
        if (claim.ClaimNumber() is null) return;
        var key = ClaimFingerprint.Of(claim);
        switch (claim.Status)
        {
            case FinancialResourceStatusCodes.Active:
                transaction.SaveState(new StateEntry(ClaimFingerprint.Kind, key, write.Id));
                break;
            case FinancialResourceStatusCodes.Cancelled or FinancialResourceStatusCodes.EnteredInError:
                if (transaction.ReadState(ClaimFingerprint.Kind, key)?.Value is { } owner &&
                    (owner == write.Id || claim.Prior()?.Claim?.Reference == "Claim/" + owner))
                    transaction.DeleteState(ClaimFingerprint.Kind, key);
                break;
        }
    }

    public void Committed() { }
}
