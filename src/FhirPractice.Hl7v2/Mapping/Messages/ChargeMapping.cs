using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>DFT P03 (post detail financial transaction): a ChargeItem per FT1. The patient is created when unknown.</summary>
internal static class ChargeMapping
{
    public static async Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("FT1");
        foreach (var ft1 in context.All("FT1")) ChargeItemMapping.Map(ft1, context);
    }
}
