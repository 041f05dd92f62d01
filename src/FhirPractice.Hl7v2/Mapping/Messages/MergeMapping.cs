using FhirPractice.Fhir.Rest;
using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A40 (merge patient, patient identifier list; likewise A18, A30, A34, A36, A39): each PID/MRG pair merges the patient MRG-1 names into
/// the one PID names. The survivor is updated from PID with <c>link replaces</c> the merged one; the merged
/// one becomes inactive with <c>link replaced-by</c> the survivor; and every resource that referred to the
/// merged patient (found through <see cref="IFhirLookup"/>) is rewritten to refer to the survivor, in the same
/// transaction. Provenance resources are left as they are: they record what happened then.
/// </summary>
internal static class MergeMapping
{
    // Where resources of the types the mappings write point at their patient.
    private static readonly (string Type, string Parameter)[] PatientReferences =
    [
        ("Encounter", "subject"), ("RelatedPerson", "patient"), ("Coverage", "beneficiary"), ("Condition", "subject"),
        ("AllergyIntolerance", "patient"), ("Observation", "subject"), ("DiagnosticReport", "subject"),
        ("ServiceRequest", "subject"), ("Specimen", "subject"), ("Appointment", "patient"), ("Immunization", "patient"),
        ("ChargeItem", "subject"), ("Procedure", "subject"), ("Account", "subject"), ("DocumentReference", "subject"),
        ("MedicationRequest", "subject"), ("MedicationDispense", "subject"),
    ];

    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        context.Require("PID");
        V2Segment? pid = null;
        foreach (var segment in context.Segments)
        {
            if (segment.Id == "PID") pid = segment;
            else if (segment.Id == "MRG" && pid is not null) await MergeAsync(pid, segment, context, ct);
        }
        if (!context.Segments.Any(s => s.Id == "MRG")) context.Require("MRG");
    }

    private static async System.Threading.Tasks.Task MergeAsync(V2Segment pid, V2Segment mrg, MappingContext context, CancellationToken ct)
    {
        var mergedIds = mrg.Repetitions(1).Select(cx => Identifiers.FromCx(cx, context)).OfType<Identifier>().ToList(); // MRG-1
        if (mergedIds.Count == 0) throw V2Segment.RequiredFieldMissing(mrg.At(1), "Prior Patient Identifier List");
        var mergedId = mergedIds.FirstOrDefault(i => i.Type?.Coding.FirstOrDefault()?.Code == "MR") ?? mergedIds[0];

        var survivor = await PatientMapping.MapAsync(pid, context, updates: true, ct);
        var survivorPatient = (Patient)context.Transaction.Bundle.Entry.First(e => e.FullUrl == survivor.Reference).Resource!;
        var survivorId = context.PatientIdentifier!;
        if (Identifiers.Same(survivorId, mergedId))
            throw V2Segment.DataTypeError(mrg.At(1), "the merged patient is the surviving patient");

        var merged = await context.Lookup.FirstHoldingAsync<Patient>([mergedId], ct) is { } existing
            ? (Patient)existing.DeepCopy()
            : new Patient { Identifier = mergedIds, Name = Names.FromXpn(mrg.Field(7), context.Dates) is { } name ? [name] : [] }; // MRG-7
        merged.Active = false;
        merged.Link.RemoveAll(l => l.Type == Patient.LinkType.ReplacedBy);
        merged.Link.Add(new Patient.LinkComponent { Other = survivor, Type = Patient.LinkType.ReplacedBy });
        var mergedReference = merged.Id is { } id
            ? context.Transaction.Put(merged, $"Patient/{id}")
            : context.Transaction.PutByIdentifier(merged, mergedId);
        survivorPatient.Link.RemoveAll(l => l.Other?.Reference == mergedReference.Reference);
        survivorPatient.Link.Add(new Patient.LinkComponent { Other = mergedReference, Type = Patient.LinkType.Replaces });

        if (merged.Id is null) return; // not stored yet: nothing refers to it
        await MoveReferencesAsync($"Patient/{merged.Id}", survivor, PatientReferences, context, ct);
    }

    /// <summary>
    /// Merges the resource <paramref name="prior"/> names into <paramref name="survivor"/>: the stored one — or, not
    /// stored yet, <paramref name="unknown"/>, written by that identifier — is written as <paramref name="retire"/> leaves
    /// it, and what referred to a stored one (found by <paramref name="referrers"/>) refers to the survivor.
    /// </summary>
    public static async System.Threading.Tasks.Task MergeIntoAsync<T>(Identifier prior, ResourceReference survivor, Func<T> unknown, Action<T> retire,
        IEnumerable<(string Type, string Parameter)> referrers, MappingContext context, CancellationToken ct) where T : Resource
    {
        var stored = await context.Lookup.FirstHoldingAsync<T>([prior], ct);
        var merged = (T?)stored?.DeepCopy() ?? unknown();
        retire(merged);
        if (stored is null)
        {
            context.Transaction.PutByIdentifier(merged, prior);
            return;
        }
        var url = $"{stored.TypeName}/{stored.Id}";
        context.Transaction.Put(merged, url);
        await MoveReferencesAsync(url, survivor, referrers, context, ct);
    }

    /// <summary>
    /// Rewrites every stored resource that refers to <paramref name="from"/> to refer to <paramref name="to"/>: those the
    /// given parameters find referring to <paramref name="among"/> (by default <paramref name="from"/> itself).
    /// </summary>
    public static async System.Threading.Tasks.Task MoveReferencesAsync(string from, ResourceReference to,
        IEnumerable<(string Type, string Parameter)> referrers, MappingContext context, CancellationToken ct, string? among = null)
    {
        foreach (var (type, parameter) in referrers)
            foreach (var resource in await context.Lookup.SearchAsync(type, [new(parameter, among ?? from)], ct))
            {
                var copy = (Resource)resource.DeepCopy();
                foreach (var reference in ReferenceWalker.All(copy).Where(r => r.Reference == from)) reference.Reference = to.Reference;
                context.Transaction.Put(copy, $"{type}/{copy.Id}");
            }
    }
}
