using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>
/// RDE O11/O25 (pharmacy encoded order) and RDS O13 (pharmacy dispense): per ORC group a MedicationRequest
/// (ORC, RXO, RXE and the RXRs after them), and in RDS a MedicationDispense per RXD (with its RXR) authorised
/// by it. The patient is created when unknown.
/// </summary>
internal static class PharmacyMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("ORC");
        foreach (var (orc, members) in context.Groups("ORC"))
        {
            var rxo = members.FirstOrDefault(s => s.Id == "RXO");
            var rxe = members.FirstOrDefault(s => s.Id == "RXE");
            var rxd = members.FindIndex(s => s.Id == "RXD");
            var orderPart = rxd < 0 ? members : members.Take(rxd).ToList();
            // The RXRs of the order: those after the RXE (the pharmacy's), else after the RXO.
            var rxrs = orderPart.SkipWhile(s => s != (rxe ?? rxo)).Where(s => s.Id == "RXR");
            var prescription = MedicationMapping.Request(orc, rxo, rxe, rxrs, context);
            for (var i = 0; i < members.Count; i++)
                if (members[i].Id == "RXD")
                    MedicationMapping.Dispense(members[i], members.Skip(i + 1).TakeWhile(s => s.Id != "RXD").FirstOrDefault(s => s.Id == "RXR"), prescription, context);
        }
    }
}
