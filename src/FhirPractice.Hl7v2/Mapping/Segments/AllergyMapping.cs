using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>AL1 and IAM to AllergyIntolerance (IG AL1[AllergyIntolerance], IAM[AllergyIntolerance]).</summary>
internal static class AllergyMapping
{
    // IG concept map AllergenType[AllergyIntoleranceCategory] (HL7 table 0127).
    private static readonly Dictionary<string, AllergyIntolerance.AllergyIntoleranceCategory> Categories = new()
    {
        ["DA"] = AllergyIntolerance.AllergyIntoleranceCategory.Medication, ["FA"] = AllergyIntolerance.AllergyIntoleranceCategory.Food,
        ["EA"] = AllergyIntolerance.AllergyIntoleranceCategory.Environment, ["AA"] = AllergyIntolerance.AllergyIntoleranceCategory.Biologic,
        ["PA"] = AllergyIntolerance.AllergyIntoleranceCategory.Environment, ["LA"] = AllergyIntolerance.AllergyIntoleranceCategory.Environment,
    };

    // IG concept map AllergySeverity[AllergyIntolerance.criticality] (HL7 table 0128).
    private static readonly Dictionary<string, AllergyIntolerance.AllergyIntoleranceCriticality> Criticalities = new()
    {
        ["SV"] = AllergyIntolerance.AllergyIntoleranceCriticality.High, ["MI"] = AllergyIntolerance.AllergyIntoleranceCriticality.Low,
        ["MO"] = AllergyIntolerance.AllergyIntoleranceCriticality.Low, ["U"] = AllergyIntolerance.AllergyIntoleranceCriticality.UnableToAssess,
    };

    /// <summary>An allergy of the patient; matched by the patient and the allergen (AL1-3 code, else its text).</summary>
    public static ResourceReference? Map(V2Segment al1, MappingContext context)
    {
        var allergen = Codes.FromCwe(al1.Field(3));                                                // AL1-3
        if (allergen is null) return null;
        var allergy = new AllergyIntolerance
        {
            Patient = context.Patient,
            Code = allergen,
            ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "confirmed"),
            Onset = context.Dates.DateTime(al1.Field(6)),                                          // AL1-6
        };
        if (al1.Field(2) is { } type && type[1] is { } typeCode && Categories.TryGetValue(typeCode, out var category)) // AL1-2
            allergy.Category = [category];
        if (al1[4] is { } severity && Criticalities.TryGetValue(severity, out var criticality)) allergy.Criticality = criticality; // AL1-4
        var reactions = al1.Repetitions(5).Select(r => Codes.FromCwe(r)).OfType<CodeableConcept>().ToList(); // AL1-5
        if (reactions.Count > 0) allergy.Reaction.Add(new AllergyIntolerance.ReactionComponent { Manifestation = reactions });
        return context.Transaction.PutByKey(allergy, [.. context.PatientKey, allergen.Coding.FirstOrDefault()?.Code ?? allergen.Text]);
    }

    /// <summary>
    /// An adverse reaction of an IAM (A60). Matched by IAM-7 (allergy unique identifier) when given, else like an
    /// AL1 (patient and allergen), so that the AL1 of an admission and a later IAM of the same allergen are one
    /// AllergyIntolerance. IAM-6 D (delete) makes it entered-in-error: nothing is erased.
    /// </summary>
    public static ResourceReference? FromIam(V2Segment iam, MappingContext context)
    {
        var allergen = Codes.FromCwe(iam.Field(3)) ?? Codes.FromCwe(iam.Field(27));               // IAM-3, else IAM-27
        if (allergen is null) return null;
        var allergy = new AllergyIntolerance
        {
            Patient = context.Patient,
            Code = allergen,
            ClinicalStatus = Codes.FromCwe(iam.Field(17), "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical") // IAM-17
                ?? new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active"),
            VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                iam[6] == "D" ? "entered-in-error" : "confirmed"),                                  // IAM-6
            Onset = (DataType?)context.Dates.DateTime(iam.Field(11))                               // IAM-11, else IAM-12 text
                ?? (iam[12] is { } onsetText ? new FhirString(onsetText) : null),
            RecordedDateElement = context.Dates.DateTime(iam.Field(13)),                           // IAM-13
        };
        if (iam[2] is { } type && Categories.TryGetValue(type, out var category)) allergy.Category = [category]; // IAM-2
        if (iam[4] is { } severity && Criticalities.TryGetValue(severity, out var criticality)) allergy.Criticality = criticality; // IAM-4
        if (iam[5] is { } reaction)                                                                // IAM-5
            allergy.Reaction.Add(new AllergyIntolerance.ReactionComponent { Manifestation = [new CodeableConcept { Text = reaction }] });
        var identifier = Identifiers.FromEi(iam.Field(7), context);                                // IAM-7
        if (identifier is not null) allergy.Identifier.Add(identifier);
        return identifier is not null
            ? context.Transaction.PutByIdentifier(allergy, identifier)
            : context.Transaction.PutByKey(allergy, [.. context.PatientKey, allergen.Coding.FirstOrDefault()?.Code ?? allergen.Text]);
    }
}
