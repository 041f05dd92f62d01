using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A47 (change patient identifier list), A46 (change patient ID) and A48 (change alternate patient ID):
/// for each PID/MRG pair, the stored patient known by the prior identifier (MRG-1, else MRG-4, else MRG-2)
/// is rewritten in place from the PID: its identifiers become the PID's plus those it had that the change
/// does not name, so references to it stay valid. A patient not stored yet is simply created from the PID.
/// </summary>
internal static class IdentifierChangeMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        context.Require("PID");
        context.Require("MRG");
        V2Segment? pid = null;
        foreach (var segment in context.Segments)
        {
            if (segment.Id == "PID") pid = segment;
            else if (segment.Id == "MRG" && pid is not null) await ChangeAsync(pid, segment, context, ct);
        }
    }

    private static async System.Threading.Tasks.Task ChangeAsync(V2Segment pid, V2Segment mrg, MappingContext context, CancellationToken ct)
    {
        var prior = new[] { 1, 4, 2 }                                                              // MRG-1, MRG-4, MRG-2
            .Select(field => mrg.Repetitions(field).Select(cx => Identifiers.FromCx(cx, context)).OfType<Identifier>().ToList())
            .FirstOrDefault(ids => ids.Count > 0)
            ?? throw V2Segment.RequiredFieldMissing(mrg.At(1), "Prior Patient Identifier List");

        var stored = await context.Lookup.FirstHoldingAsync<Patient>(prior, ct);
        if (stored is null)
        {
            await PatientMapping.MapAsync(pid, context, updates: true, ct);
            return;
        }

        var (patient, match) = PatientMapping.Build(pid, context);
        patient.Identifier.AddRange(Identifiers.Kept(stored.Identifier, prior, patient.Identifier));
        patient.Link.AddRange(stored.Link);
        var clash = await context.Lookup.ByIdentifierAsync("Patient", match, ct);
        if (clash.Any(p => p.Id != stored.Id))
            context.Warn(pid.At(3), $"another patient already holds {match.Value}: this is a merge (A40), not an identifier change; both keep it");
        context.PatientIdentifier = match;
        context.Patient = context.Transaction.Put(patient, $"Patient/{stored.Id}");
    }
}
