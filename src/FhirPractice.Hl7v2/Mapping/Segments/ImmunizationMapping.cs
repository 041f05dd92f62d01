using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>ORC, RXA and RXR to Immunization (IG RXA[Immunization], RXR[Immunization], ORC[Immunization]).</summary>
internal static class ImmunizationMapping
{
    /// <summary>
    /// A vaccination; matched by the filler order number (ORC-3), else the placer's (ORC-2), else by the
    /// patient, the vaccine (RXA-5) and when it was given (RXA-3).
    /// </summary>
    public static ResourceReference Map(V2Segment? orc, V2Segment rxa, V2Segment? rxr, MappingContext context)
    {
        var dates = context.Dates;
        var vaccine = Codes.FromCwe(rxa.Required(5, "Administered Code"))!;                      // RXA-5
        var given = dates.DateTime(rxa.Required(3, "Date/Time Start of Administration"))!;      // RXA-3
        var immunization = new Immunization
        {
            Patient = context.Patient,
            Encounter = context.Encounter,
            VaccineCode = vaccine,
            Occurrence = given,
            Status = rxa[20] is "RE" or "NA" ? Immunization.ImmunizationStatusCodes.NotDone          // RXA-20 (CompletionStatus)
                : rxa[21] == "D" ? Immunization.ImmunizationStatusCodes.EnteredInError               // RXA-21 D: delete
                : Immunization.ImmunizationStatusCodes.Completed,
            LotNumber = rxa[15],                                                                  // RXA-15
            ExpirationDateElement = dates.Date(rxa.Field(16)),                                    // RXA-16
            StatusReason = Codes.FromCwe(rxa.Field(18)),                                          // RXA-18
            Route = Codes.FromCwe(rxr?.Field(1), Codes.V2Table("0162")),                         // RXR-1
            Site = Codes.FromCwe(rxr?.Field(2), Codes.V2Table("0163")),                          // RXR-2
        };
        // RXA-9 NIP001 00: new record (the administering provider is the source), 01: historical.
        if (rxa.Field(9) is { } source && source[1] is "00" or "01") immunization.PrimarySource = source[1] == "00";
        if (rxa[6] is { } amount && amount != "999"                                               // RXA-6 (999: amount unknown)
            && decimal.TryParse(amount, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var dose))
        {
            immunization.DoseQuantity = new Quantity { Value = dose };
            if (rxa.Field(7) is { } units && units[1] is { } unit)                               // RXA-7
            {
                immunization.DoseQuantity.Unit = units[2] ?? unit;
                if (Codes.SystemFor(units[3]) is { } system) { immunization.DoseQuantity.System = system; immunization.DoseQuantity.Code = unit; }
            }
        }
        else if (rxa[6] is { } bad && bad != "999" && !decimal.TryParse(bad, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out _))
            throw V2Segment.DataTypeError(rxa.At(6), $"'{bad}' is not a number");
        if (rxa.Field(17) is { } manufacturer && manufacturer[1] is { } mvx)                     // RXA-17
            immunization.Manufacturer = Organizations.Reference(new Identifier(Codes.SystemFor(manufacturer[3]) ?? Codes.SystemFor("MVX"), mvx), manufacturer[2], context);
        foreach (var xcn in rxa.Repetitions(10))                                                  // RXA-10
            if (Practitioners.Reference(xcn, context) is { } performer)
                immunization.Performer.Add(new Immunization.PerformerComponent
                {
                    Actor = performer,
                    Function = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0443", "AP", "Administering Provider"),
                });
        if (Practitioners.Reference(orc?.Field(12), context) is { } orderedBy)                   // ORC-12
            immunization.Performer.Add(new Immunization.PerformerComponent
            {
                Actor = orderedBy,
                Function = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0443", "OP", "Ordering Provider"),
            });

        var (placer, filler) = ServiceRequestMapping.OrderNumbers(orc, null, context);           // ORC-2, ORC-3
        if (filler is not null) immunization.Identifier.Add(filler);
        if (placer is not null) immunization.Identifier.Add(placer);
        return (filler ?? placer) is { } identifier
            ? context.Transaction.PutByIdentifier(immunization, identifier)
            : context.Transaction.PutByKey(immunization, [.. context.PatientKey, vaccine.Coding.FirstOrDefault()?.Code, rxa[3]]);
    }
}
