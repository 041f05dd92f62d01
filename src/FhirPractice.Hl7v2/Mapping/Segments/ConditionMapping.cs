using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>DG1 to Condition (IG DG1[Condition]).</summary>
internal static class ConditionMapping
{
    /// <summary>
    /// A diagnosis of the patient, in the encounter when there is one. Matched by DG1-20 (diagnosis identifier)
    /// when given, else by the patient, the code (DG1-3, else the description DG1-4) and the encounter.
    /// </summary>
    public static ResourceReference? Map(V2Segment dg1, MappingContext context, ResourceReference? encounter)
    {
        var code = Codes.FromCwe(dg1.Field(3));                                                     // DG1-3
        if (code is null && dg1[4] is { } description) code = new CodeableConcept { Text = description }; // DG1-4
        if (code is null) return null;
        var condition = new Condition
        {
            Subject = context.Patient,
            Encounter = encounter,
            Code = code,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis")],
            Onset = context.Dates.DateTime(dg1.Field(5)),                                         // DG1-5
            RecordedDateElement = context.Dates.DateTime(dg1.Field(19)),                          // DG1-19
        };
        if (Practitioners.Reference(dg1.Field(16), context) is { } clinician) condition.Asserter = clinician; // DG1-16
        var identifier = Identifiers.FromEi(dg1.Field(20), context);                              // DG1-20
        if (identifier is not null) condition.Identifier.Add(identifier);
        return identifier is not null
            ? context.Transaction.PutByIdentifier(condition, identifier)
            : context.Transaction.PutByKey(condition, [.. context.PatientKey, code.Coding.FirstOrDefault()?.Code ?? code.Text, encounter?.Reference is null ? null : context.EncounterKey]);
    }
}
