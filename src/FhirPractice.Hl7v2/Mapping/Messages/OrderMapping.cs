using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// ORM O01 (order), after the IG's ORM_O01 message map: a ServiceRequest per ORC, with the details of its
/// OBR when the order is for an observation (orders for drugs, diets or supplies carry RXO/ODS/RQD instead
/// and get a ServiceRequest from their ORC alone). The patient is created when unknown, not updated.
/// </summary>
internal static class OrderMapping
{
    public static async Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("ORC");
        for (var i = 0; i < context.Segments.Count; i++)
        {
            if (context.Segments[i].Id != "ORC") continue;
            var obr = context.Segments.Skip(i + 1).TakeWhile(s => s.Id != "ORC").FirstOrDefault(s => s.Id == "OBR");
            ServiceRequestMapping.Map(context.Segments[i], obr, context);
        }
    }
}
