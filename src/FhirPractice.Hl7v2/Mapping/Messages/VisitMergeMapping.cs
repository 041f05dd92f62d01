using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A42 (merge visit, visit number); the IG has no map for it. The PID's patient is updated; for each MRG with the
/// PV1 after it, the visit the prior number names (MRG-5) is merged into the one PV1-19 names, which is written from
/// the PV1 as any ADT's visit. The merged visit's Encounter becomes entered-in-error — it was the same visit recorded
/// twice — and keeps its number, a record of what was merged (as a merged patient stays, inactive); the stored
/// resources that referred to it (observations, conditions, procedures, reports, orders, charges, documents,
/// medications, visits part of it) refer to the survivor in the same transaction. A merged visit not stored yet is
/// written so by its number.
/// </summary>
internal static class VisitMergeMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: true, ct);
        foreach (var (mrg, pv1) in AdtMapping.VisitGroups(context, "the surviving visit"))
        {
            if (Identifiers.FromCx(mrg.Field(5), context) is not { } prior)                        // MRG-5
                throw V2Segment.RequiredFieldMissing(mrg.At(5), "Prior Visit Number");
            if (Identifiers.FromCx(pv1.Field(19), context) is not { } surviving)                    // PV1-19
                throw V2Segment.RequiredFieldMissing(pv1.At(19), "Visit Number (the surviving visit)");
            if (Identifiers.Same(prior, surviving))
                throw V2Segment.DataTypeError(mrg.At(5), "the merged visit is the surviving visit");

            var survivor = EncounterMapping.Map(pv1, context)!;
            await MergeMapping.MergeIntoAsync(prior, survivor,
                () => new Encounter { Identifier = [prior], Subject = context.Patient, Class = new Coding(Codes.V2Table("0004"), "U") },
                merged => merged.Status = Encounter.EncounterStatus.EnteredInError, EncounterMapping.OfTheVisit, context, ct);
        }
    }
}
