using System.Globalization;
using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// ORC, RXO, RXE and RXR to MedicationRequest (IG ORC[MedicationRequest] via ORC[ServiceRequest]'s statuses,
/// RXO[MedicationRequest], RXR[MedicationRequest]; RXE, which the IG does not map, the same way as RXO: the
/// pharmacy's encoding of the order wins over the orderer's), and RXD to MedicationDispense.
/// </summary>
internal static class MedicationMapping
{
    private static readonly Dictionary<RequestStatus, MedicationRequest.MedicationrequestStatus> Statuses = new()
    {
        [RequestStatus.Active] = MedicationRequest.MedicationrequestStatus.Active, [RequestStatus.OnHold] = MedicationRequest.MedicationrequestStatus.OnHold,
        [RequestStatus.Revoked] = MedicationRequest.MedicationrequestStatus.Cancelled, [RequestStatus.Completed] = MedicationRequest.MedicationrequestStatus.Completed,
        [RequestStatus.EnteredInError] = MedicationRequest.MedicationrequestStatus.EnteredInError,
    };

    /// <summary>
    /// The prescription of an order group; matched by its order number (filler, else placer) and the drug, since
    /// several give codes may share one order number; without one, by the patient, the drug and ORC-9.
    /// </summary>
    public static ResourceReference Request(V2Segment orc, V2Segment? rxo, V2Segment? rxe, IEnumerable<V2Segment> rxrs, MappingContext context)
    {
        var drug = Codes.FromCwe(rxe?.Field(2)) ?? Codes.FromCwe(rxo?.Field(1))                        // RXE-2, else RXO-1
            ?? throw V2Segment.RequiredFieldMissing((rxe ?? rxo ?? orc).At(rxe is not null ? 2 : 1), "Give Code (RXE-2, else RXO-1)");
        var request = new MedicationRequest
        {
            Status = Statuses.GetValueOrDefault(ServiceRequestMapping.StatusOf(orc), MedicationRequest.MedicationrequestStatus.Unknown), // ORC-1/ORC-5
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = drug,
            Subject = context.Patient,
            Encounter = context.Encounter,
            AuthoredOnElement = context.Dates.DateTime(orc.Field(9)),                                // ORC-9
            Requester = Practitioners.Reference(orc.Field(12), context)                              // ORC-12, else RXE-13 / RXO-14
                ?? Practitioners.Reference(rxe?.Field(13), context) ?? Practitioners.Reference(rxo?.Field(14), context),
        };
        var (placer, filler) = ServiceRequestMapping.OrderNumbers(orc, null, context);              // ORC-2, ORC-3
        if (placer is not null) request.Identifier.Add(placer);
        if (filler is not null) request.Identifier.Add(filler);
        if (rxe?[15] is { } prescription)                                                           // RXE-15
            request.Identifier.Add(new Identifier(Identifiers.SystemOf(context.Sender, context.Options), prescription));

        var dosage = new Dosage
        {
            Text = rxe?.Field(7)?[2] ?? rxo?.Field(7)?[2] ?? rxe?.Field(7)?[1] ?? rxo?.Field(7)?[1],  // RXE-7, else RXO-7 (instructions)
        };
        var low = Number(rxe?[3] ?? rxo?[2], (rxe ?? rxo)?.At(rxe is not null ? 3 : 2));           // RXE-3 / RXO-2
        var high = Number(rxe?[4] ?? rxo?[3], (rxe ?? rxo)?.At(rxe is not null ? 4 : 3));          // RXE-4 / RXO-3
        var units = rxe?.Field(5) ?? rxo?.Field(4);                                                 // RXE-5 / RXO-4
        if (low is not null)
            dosage.DoseAndRate.Add(new Dosage.DoseAndRateComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/dose-rate-type", "ordered"),
                Dose = high is null ? Quantity(low.Value, units) : new Hl7.Fhir.Model.Range { Low = Quantity(low.Value, units), High = Quantity(high.Value, units) },
            });
        if (rxrs.FirstOrDefault() is { } rxr)                                                       // RXR[MedicationRequest]
        {
            dosage.Route = Codes.FromCwe(rxr.Field(1), Codes.V2Table("0162"));                      // RXR-1
            dosage.Site = Codes.FromCwe(rxr.Field(2), Codes.V2Table("0550"));                       // RXR-2
            dosage.Method = Codes.FromCwe(rxr.Field(4), Codes.V2Table("0165"));                     // RXR-4
        }
        if (!dosage.IsExactly(new Dosage())) request.DosageInstruction.Add(dosage);

        var dispense = new MedicationRequest.DispenseRequestComponent();
        if (Number(rxe?[10] ?? rxo?[11], (rxe ?? rxo)?.At(rxe is not null ? 10 : 11)) is { } amount) // RXE-10 / RXO-11
            dispense.Quantity = Quantity(amount, rxe?.Field(11) ?? rxo?.Field(12));                 // RXE-11 / RXO-12
        if (int.TryParse(rxe?[12] ?? rxo?[13], NumberStyles.None, CultureInfo.InvariantCulture, out var refills)) // RXE-12 / RXO-13
            dispense.NumberOfRepeatsAllowed = refills;
        if (!dispense.IsExactly(new MedicationRequest.DispenseRequestComponent())) request.DispenseRequest = dispense;

        var drugCode = drug.Coding.FirstOrDefault()?.Code ?? drug.Text;
        return (filler ?? placer) is { } order
            ? context.Transaction.PutByKey(request, order.System, order.Value, drugCode)
            : context.Transaction.PutByKey(request, [.. context.PatientKey, drugCode, orc[9]]);
    }

    /// <summary>A dispense of an RXD against its prescription; matched by the prescription, the dispense counter (RXD-1) and when (RXD-3).</summary>
    public static ResourceReference Dispense(V2Segment rxd, V2Segment? rxr, ResourceReference prescription, MappingContext context)
    {
        var drug = Codes.FromCwe(rxd.Required(2, "Dispense/Give Code"))!;                            // RXD-2
        var dispense = new MedicationDispense
        {
            Status = MedicationDispense.MedicationDispenseStatusCodes.Completed,
            Medication = drug,
            Subject = context.Patient,
            AuthorizingPrescription = [prescription],
            WhenHandedOverElement = context.Dates.DateTime(rxd.Required(3, "Date/Time Dispensed")), // RXD-3
        };
        if (Number(rxd[4], rxd.At(4)) is { } amount) dispense.Quantity = Quantity(amount, rxd.Field(5)); // RXD-4, RXD-5
        if (rxd[7] is { } prescriptionNumber)                                                       // RXD-7
            dispense.Identifier.Add(new Identifier(Identifiers.SystemOf(context.Sender, context.Options), prescriptionNumber));
        if (Practitioners.Reference(rxd.Field(10), context) is { } by)                              // RXD-10 dispensing provider
            dispense.Performer.Add(new MedicationDispense.PerformerComponent { Actor = by });
        if (rxr is not null)                                                                        // RXR-1 route
            dispense.DosageInstruction.Add(new Dosage { Route = Codes.FromCwe(rxr.Field(1), Codes.V2Table("0162")) });
        return context.Transaction.PutByKey(dispense, context.Transaction.Url(prescription), rxd[1], rxd[3]);
    }

    private static decimal? Number(string? text, FieldLocation? at) =>
        text is null ? null
        : decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) ? n
        : throw V2Segment.DataTypeError(at!, $"'{text}' is not a number (NM)");

    // CWE units: a coded unit keeps its code and system, else its text (IG CWE[Code] / CWE[String]).
    private static Quantity Quantity(decimal value, V2Value? units)
    {
        var quantity = new Quantity { Value = value, Unit = units?[2] ?? units?[1] };
        if (units?[1] is { } code && units[3] is { } system) { quantity.Code = code; quantity.System = Codes.SystemFor(system); }
        return quantity;
    }
}
