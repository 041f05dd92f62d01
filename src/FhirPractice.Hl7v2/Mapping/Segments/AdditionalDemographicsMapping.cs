using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>PD1 to the Patient of the PID it follows (IG PD1[Patient]), and its living will (IG PD1[Observation-LivingWill]).</summary>
internal static class AdditionalDemographicsMapping
{
    private const string Disability = "http://hl7.org/fhir/StructureDefinition/patient-disability";
    private const string Congregation = "http://hl7.org/fhir/StructureDefinition/patient-congregation";

    /// <summary>
    /// Adds the primary care facility (PD1-3) and providers (PD1-4) as general practitioners, the handicap (PD1-6) and
    /// the place of worship (PD1-14).
    /// </summary>
    public static void Map(V2Segment pd1, Patient patient, MappingContext context)
    {
        foreach (var xon in pd1.Repetitions(3))                                                          // PD1-3
            if (Organizations.FromXon(xon, context) is { } facility) patient.GeneralPractitioner.Add(facility);
        foreach (var xcn in pd1.Repetitions(4))                                                          // PD1-4
            if (Practitioners.Reference(xcn, context) is { } provider) patient.GeneralPractitioner.Add(provider);
        if (Codes.FromCwe(pd1.Field(6), Codes.V2Table("0295")) is { } handicap)                          // PD1-6
            patient.Extension.Add(new Extension(Disability, handicap));
        if (pd1.Field(14)?[1] is { } worship)                                                             // PD1-14 (XON[string]: its name)
            patient.Extension.Add(new Extension(Congregation, new FhirString(worship)));
    }

    /// <summary>
    /// PD1-7, the living will code (table 0315), as the patient's advance directive Observation (LOINC 75320-2), one per
    /// patient: the next PD1 with a PD1-7 rewrites it.
    /// </summary>
    public static void LivingWill(V2Segment pd1, MappingContext context)
    {
        if (Codes.FromCwe(pd1.Field(7), Codes.V2Table("0315")) is not { } code) return;             // PD1-7
        context.Transaction.PutByKey(new Observation
        {
            Status = ObservationStatus.Final,                                                       // IG: "final"
            Code = new CodeableConcept("http://loinc.org", "75320-2", "Advance directive"),          // IG: LOINC 75320-2
            Subject = context.Patient,
            Value = code,
        }, [.. context.PatientKey, "living-will"]);
    }

    /// <summary>
    /// An update without a PD1 says nothing of what PD1 carries (a segment not sent is not a segment emptied): the
    /// stored Patient's PD1 extensions stay, and its general practitioners unless the message's ROLs named others.
    /// </summary>
    public static void Keep(Patient stored, Patient patient)
    {
        if (patient.GeneralPractitioner.Count == 0) patient.GeneralPractitioner.AddRange(stored.GeneralPractitioner);
        patient.Extension.AddRange(stored.Extension.Where(e => e.Url is Disability or Congregation));
    }
}
