using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A44 (move account information - patient account number); the IG has no map for it. For each PID/MRG pair the
/// account MRG-3 names moves from the patient MRG-1 names to the PID's patient (updated from the PID): the Account's
/// subject, and the patient of the charges and encounters stored on that account. An account not stored yet is written
/// as the PID patient's.
/// </summary>
internal static class AccountMoveMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        context.Require("PID");
        context.Require("MRG");
        foreach (var (pid, rest) in context.Groups("PID"))
        {
            var patient = await PatientMapping.MapAsync(pid, context, updates: true, ct);
            foreach (var mrg in rest.Where(s => s.Id == "MRG"))
                await MoveAsync(mrg, patient, context, ct);
        }
    }

    private static async System.Threading.Tasks.Task MoveAsync(V2Segment mrg, ResourceReference patient, MappingContext context, CancellationToken ct)
    {
        var number = Identifiers.FromCx(mrg.Field(3), context)                                          // MRG-3
            ?? throw V2Segment.RequiredFieldMissing(mrg.At(3), "Prior Patient Account Number (the account that moves)");
        var priorIds = mrg.Repetitions(1).Select(cx => Identifiers.FromCx(cx, context)).OfType<Identifier>().ToList(); // MRG-1
        if (priorIds.Count == 0) throw V2Segment.RequiredFieldMissing(mrg.At(1), "Prior Patient Identifier List (the patient the account leaves)");

        var account = await context.Lookup.FirstHoldingAsync<Account>([number], ct);
        if (account is null)
        {
            AccountMapping.Put(number, patient, context);
            return;
        }
        var prior = await context.Lookup.FirstHoldingAsync<Patient>(priorIds, ct);
        if (prior is not null && prior.Id == context.StoredPatientId)
            throw V2Segment.DataTypeError(mrg.At(1), "the patient the account leaves (MRG-1) is the patient it moves to (PID-3)");
        var moved = (Account)account.DeepCopy();
        // The PID's patient once, in place of the one the account leaves (a second A44 to the same patient adds nothing).
        moved.Subject = [.. moved.Subject.Where(s => s.Reference != $"Patient/{prior?.Id}" && s.Reference != $"Patient/{context.StoredPatientId}"), patient];
        context.Transaction.Put(moved, $"Account/{account.Id}");
        if (prior is not null)
            await MergeMapping.MoveReferencesAsync($"Patient/{prior.Id}", patient, AccountMapping.OnTheAccount, context, ct, among: $"Account/{account.Id}");
    }
}
