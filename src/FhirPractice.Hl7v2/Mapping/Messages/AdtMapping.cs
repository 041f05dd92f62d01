using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ADT A01 (admit), A04 (register), A08 (update), A03 (discharge) and A31 (update person), after the IG's
/// ADT_A01 message map: PID → Patient, PV1 → Encounter (A03: finished, with its end), NK1 → RelatedPerson,
/// IN1 → Coverage, DG1 → Condition, AL1 → AllergyIntolerance. The patient is updated (ADT owns demographics).
/// </summary>
internal static class AdtMapping
{
    public static async Task MapAsync(MappingContext context, CancellationToken ct)
    {
        var pid = context.Require("PID");
        await PatientMapping.MapAsync(pid, context, updates: true, ct);
        var discharge = context.Header[9, 2] == "A03";
        if (context.First("PV1") is { } pv1) EncounterMapping.Map(pv1, context, finished: discharge);
        foreach (var nk1 in context.All("NK1")) RelatedPersonMapping.Map(nk1, context);
        foreach (var in1 in context.All("IN1")) CoverageMapping.Map(in1, context);
        foreach (var dg1 in context.All("DG1")) ConditionMapping.Map(dg1, context, context.Encounter);
        foreach (var al1 in context.All("AL1")) AllergyMapping.Map(al1, context);
    }
}
