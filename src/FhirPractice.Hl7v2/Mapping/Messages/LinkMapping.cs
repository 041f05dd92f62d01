using FhirPractice.Hl7v2.Mapping.Segments;
using FhirPractice.Hl7v2.Mllp;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A24 (link patient information) and A37 (unlink patient information), ADT_A24/ADT_A37: the message's two PIDs name
/// two records that concern the same person but stay apart, unlike a merge (A40). Each Patient is updated from its PID;
/// A24 then links each to the other as <c>seealso</c> (once, however often the message comes), A37 removes those links
/// between them and no others. The v2-to-FHIR IG has no map for these triggers; Patient.link's <c>seealso</c> is the
/// type R4 defines for another record of the same person that is not replaced.
/// </summary>
internal static class LinkMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, bool link, CancellationToken ct)
    {
        context.Require("PID");
        var pids = context.All("PID").Take(2).ToList();
        if (pids.Count < 2)
            throw new MappingException(new AckError("PID", 2, null, "100", "Segment sequence error",
                Diagnostic: $"{context.Header[9, 2]} names two patients: the message has one PID"));
        var first = await MapAsync(pids[0], context, ct);
        var second = await MapAsync(pids[1], context, ct);
        // The same identifier twice, or two identifiers of one stored patient: no second record to link.
        if (first.Reference.Reference == second.Reference.Reference)
            throw Datatypes.V2Segment.DataTypeError(pids[1].At(3), "both PIDs name the same patient");
        Relink(first, second, link);
        Relink(second, first, link);
    }

    /// <param name="Written">The Patient the transaction writes.</param>
    /// <param name="Reference">How a link refers to it: its stored id, else the transaction's entry (a new patient).</param>
    private sealed record Linked(Patient Written, ResourceReference Reference);

    private static async System.Threading.Tasks.Task<Linked> MapAsync(Datatypes.V2Segment pid, MappingContext context, CancellationToken ct)
    {
        var entry = await PatientMapping.MapAsync(pid, context, updates: true, ct);
        var reference = context.StoredPatientId is { } id ? new ResourceReference($"Patient/{id}") : entry;
        return new Linked(context.Transaction.Resource<Patient>(entry), reference);
    }

    private static void Relink(Linked from, Linked to, bool link)
    {
        var links = from.Written.Link;
        links.RemoveAll(l => l.Type == Patient.LinkType.Seealso && l.Other?.Reference == to.Reference.Reference);
        if (link) links.Add(new Patient.LinkComponent { Other = new ResourceReference(to.Reference.Reference), Type = Patient.LinkType.Seealso });
    }
}
