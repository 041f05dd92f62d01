using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// REF I12 (patient referral), I13 (modify) and I14 (cancel patient referral): the referral ServiceRequest of
/// RF1 and its PRDs, for the reasons the DG1s give (Conditions). The patient is created when unknown.
/// </summary>
internal static class ReferralMessageMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        var rf1 = context.Require("RF1");
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        var reasons = context.All("DG1").Select(dg1 => ConditionMapping.Map(dg1, context, null)).OfType<Hl7.Fhir.Model.ResourceReference>().ToList();
        ReferralMapping.Map(rf1, context.All("PRD"), reasons, cancelled: context.Header[9, 2] == "I14", context);
    }
}
