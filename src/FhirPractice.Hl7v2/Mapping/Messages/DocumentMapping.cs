using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// MDM T01–T11 (medical document management), after the IG's MDM_T02 message map: TXA → DocumentReference with
/// the OBX content, ORC/OBR → the ServiceRequests it relates to. T05/T06 (addendum) append to, T09/T10
/// (replacement) replace the parent document TXA-13; T11 (cancel) makes it entered-in-error. The patient is
/// created when unknown.
/// </summary>
internal static class DocumentMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        var txa = context.Require("TXA");
        var orders = ResultMapping.OrderGroups(context).Select(g => ServiceRequestMapping.Map(g.Orc, g.Obr, context)).ToList();
        var trigger = context.Header[9, 2];
        DocumentReference? stored = null;
        if (Identifiers.FromEi(txa.Field(12), context) is { } number)
            stored = await context.Lookup.FirstHoldingAsync<DocumentReference>([number], ct);
        var obxs = context.Segments.SkipWhile(s => s != txa).Where(s => s.Id == "OBX").ToList();
        DocumentRelationshipType? relation = trigger is "T05" or "T06" ? DocumentRelationshipType.Appends
            : trigger is "T09" or "T10" ? DocumentRelationshipType.Replaces : null;
        DocumentReferenceMapping.Map(txa, obxs, stored, cancelled: trigger == "T11", relation, orders, context);
    }
}
