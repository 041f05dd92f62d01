using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A50 (change visit number) and A51 (change alternate visit ID); the IG has no map for them. The PID's patient is
/// updated; for each MRG with the PV1 after it, the stored visit known by the prior number (MRG-5; for A51 the prior
/// alternate id, MRG-6) is rewritten in place from the PV1, so references to it stay valid: its identifiers become the
/// PV1's (PV1-19, PV1-50) plus those it had that the change does not name. A visit not stored yet is written from the
/// PV1 as any ADT's is.
/// </summary>
internal static class VisitNumberChangeMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, bool alternate, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: true, ct);
        var (priorField, priorName, newField, newName) = alternate
            ? (6, "Prior Alternate Visit ID", 50, "Alternate Visit ID")
            : (5, "Prior Visit Number", 19, "Visit Number");
        foreach (var (mrg, pv1) in AdtMapping.VisitGroups(context, "the visit's new number"))
        {
            var prior = mrg.Repetitions(priorField).Select(cx => Identifiers.FromCx(cx, context)).OfType<Identifier>().ToList();
            if (prior.Count == 0) throw V2Segment.RequiredFieldMissing(mrg.At(priorField), priorName);
            if (Identifiers.FromCx(pv1.Field(newField), context) is not { } renamed) throw V2Segment.RequiredFieldMissing(pv1.At(newField), newName);

            var stored = await context.Lookup.FirstHoldingAsync<Encounter>(prior, ct);
            if (stored is not null && (await context.Lookup.ByIdentifierAsync("Encounter", renamed, ct)).Any(e => e.Id != stored.Id))
                context.Warn(pv1.At(newField), $"another visit already holds {renamed.Value}; both keep it");
            EncounterMapping.Map(pv1, context, replacing: stored is null ? null : new EncounterMapping.Replaced(stored, prior));
        }
    }
}
