using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Segments;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT, after the IG's ADT_A01/A02/A05/A06/A09/A11/A17 message maps: what a trigger does is in
/// <see cref="AdtEvents"/>. A visit event maps each PID group (two in A17) — PID (and PD1) → Patient, PV1 and PV2 → Encounter,
/// ROL after PV1/PV2 → the Encounter's participants, OBX → Observation, NK1 → RelatedPerson, IN1 → Coverage, DG1 → Condition, PR1 → Procedure, AL1 and IAM → AllergyIntolerance,
/// PID-18 → the Account the visit is on, GT1 → its guarantors.
/// The patient is updated (ADT owns demographics).
/// </summary>
internal static class AdtMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        var (_, action, status) = AdtEvents.ByTrigger[context.Header[9, 2]!];
        switch (action)
        {
            case AdtAction.Visit:
                await MapVisitsAsync(context, status, ct);
                break;
            case AdtAction.PersonDeleted:
                await MapVisitsAsync(context, status, ct);
                context.Transaction.Resource<Patient>(context.Patient).Active = false;
                break;
            case AdtAction.PatientMerge:
                await MergeMapping.MapAsync(context, ct);
                break;
            case AdtAction.PatientIdentifierChange:
                await IdentifierChangeMapping.MapAsync(context, ct);
                break;
            case AdtAction.PatientLink or AdtAction.PatientUnlink:
                await LinkMapping.MapAsync(context, link: action == AdtAction.PatientLink, ct);
                break;
            case AdtAction.AccountMerge:
                await AccountMergeMapping.MapAsync(context, ct);
                break;
            case AdtAction.AccountMove:
                await AccountMoveMapping.MapAsync(context, ct);
                break;
            case AdtAction.VisitMove:
                await MapVisitMovesAsync(context, ct);
                break;
            case AdtAction.VisitMerge:
                await VisitMergeMapping.MapAsync(context, ct);
                break;
            case AdtAction.VisitNumberChange or AdtAction.AlternateVisitIdChange:
                await VisitNumberChangeMapping.MapAsync(context, alternate: action == AdtAction.AlternateVisitIdChange, ct);
                break;
            case AdtAction.BedStatus:
                MapBedStatus(context.Require("NPU"), context);
                break;
        }
    }

    private static async System.Threading.Tasks.Task MapVisitsAsync(MappingContext context, Encounter.EncounterStatus? status, CancellationToken ct)
    {
        context.Require("PID");
        foreach (var (pid, rest) in context.Groups("PID"))
        {
            await PatientMapping.MapAsync(pid, context, updates: true, ct);
            context.Encounter = null;
            context.EncounterKey = null;
            var rolesOf = "PID"; // whose ROLs follow: the patient's (mapped with the PID), the visit's, or a procedure's or insurance's
            for (var i = 0; i < rest.Count; i++)
            {
                var segment = rest[i];
                if (segment.Id is not ("ROL" or "ARV")) rolesOf = segment.Id;
                switch (segment.Id)
                {
                    case "PV1": EncounterMapping.Map(segment, context, status); break;
                    case "PV2": EncounterMapping.MapPv2(segment, context); break;
                    case "ROL" when rolesOf is "PV1" or "PV2" && context.Encounter is { } visit: RoleMapping.Participant(segment, context, visit); break;
                    // An ADT's observations (height, weight, vital signs…) are the patient's, of the visit when there is one;
                    // their ids are kept per patient and visit, so a resent or updated A08 rewrites them.
                    case "OBX": ObservationMapping.Map(segment, context, [.. context.PatientKey, context.EncounterKey, "adt"], null, NoteMapping.Leading(rest.Skip(i + 1))); break;
                    case "NK1": RelatedPersonMapping.Map(segment, context); break;
                    case "IN1": CoverageMapping.Map(segment, context); break;
                    case "DG1": ConditionMapping.Map(segment, context, context.Encounter); break;
                    case "PR1": ProcedureMapping.Map(segment, context); break;
                    case "AL1": AllergyMapping.Map(segment, context); break;
                    case "IAM": AllergyMapping.FromIam(segment, context); break;
                }
            }
            // After the group's NK1 and IN1, so that a guarantor who is also next of kin or insured adds to that RelatedPerson.
            if (await AccountMapping.FromAdtAsync(pid, [.. rest.Where(s => s.Id == "GT1")], context, ct) is { } account
                && context.Encounter is { } visited)
                context.Transaction.Resource<Encounter>(visited).Account.Add(account);
        }
    }

    /// <summary>
    /// A45: each visit (PV1-19) moves to the PID's patient — its Encounter's subject, and the patient of the stored
    /// resources of that visit (<see cref="EncounterMapping.OfTheVisit"/>) that named the patient it leaves.
    /// </summary>
    private static async System.Threading.Tasks.Task MapVisitMovesAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: true, ct);
        foreach (var (mrg, pv1) in VisitGroups(context, "the visit that moves"))
        {
            if (Identifiers.FromCx(pv1.Field(19), context) is not { } number)
                throw V2Segment.RequiredFieldMissing(pv1.At(19), "Visit Number (the visit that moves)");
            var stored = await context.Lookup.FirstHoldingAsync<Encounter>([number], ct);
            EncounterMapping.Map(pv1, context);
            if (stored?.Subject?.Reference is { } left && left != $"Patient/{context.StoredPatientId}")
                await MergeMapping.MoveReferencesAsync(left, context.Patient, EncounterMapping.OfTheVisit, context, ct, among: $"Encounter/{stored.Id}");
        }
    }

    /// <summary>Each MRG of a visit event with the PV1 after it (before the next MRG or PID); an MRG without one is 100 naming PV1.</summary>
    internal static IEnumerable<(V2Segment Mrg, V2Segment Pv1)> VisitGroups(MappingContext context, string naming)
    {
        context.Require("MRG");
        foreach (var (mrg, rest) in context.Groups("MRG", "PID"))
            yield return (mrg, rest.FirstOrDefault(s => s.Id == "PV1") ?? throw new MappingException(new Mllp.AckError(
                "PV1", 1, null, "100", "Segment sequence error", Diagnostic: $"{mrg.Id}({mrg.Sequence}) has no PV1 naming {naming}")));
    }

    // A20: NPU-1 the bed, NPU-2 its status (HL7 table 0116, the binding of Location.operationalStatus).
    private static void MapBedStatus(V2Segment npu, MappingContext context)
    {
        var bed = Locations.Reference(npu.Required(1, "Bed Location"), context)!;                  // NPU-1
        if (Codes.CodingFromCwe(npu.Field(2), Codes.V2Table("0116")) is { } status)                 // NPU-2
            context.Transaction.Resource<Location>(bed).OperationalStatus = status;
    }
}
