using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// PRB to a Condition of the problem list. The IG has no PRB map; the fields follow the v2 PRB definition
/// and FHIR's Condition mapping to v2 (code PRB-3, identifier PRB-4, onset PRB-16/17, abatement PRB-9,
/// recordedDate PRB-7).
/// </summary>
internal static class ProblemMapping
{
    private const string ClinicalStatus = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private const string VerificationStatus = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    /// <summary>
    /// A problem; matched by its instance id (PRB-4) when given, else by the patient and the problem code. PRB-1
    /// DE (delete) makes it entered-in-error (and, as FHIR requires then, without a clinical status): nothing is erased.
    /// </summary>
    public static ResourceReference Map(V2Segment prb, MappingContext context, IEnumerable<Annotation> notes)
    {
        var dates = context.Dates;
        var code = Codes.FromCwe(prb.Required(3, "Problem ID"))!;                                  // PRB-3
        var resolved = dates.DateTime(prb.Field(9));                                               // PRB-9
        var deleted = prb[1] == "DE";                                                              // PRB-1
        var condition = new Condition
        {
            Subject = context.Patient,
            Code = code,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")],
            VerificationStatus = new CodeableConcept(VerificationStatus, deleted ? "entered-in-error" : "confirmed"),
            ClinicalStatus = deleted ? null : new CodeableConcept(ClinicalStatus, resolved is null ? "active" : "resolved"),
            Abatement = resolved,
            RecordedDateElement = dates.DateTime(prb.Field(7)),                                    // PRB-7
            Onset = (DataType?)dates.DateTime(prb.Field(16))                                       // PRB-16, else PRB-17 text
                ?? (prb[17] is { } onsetText ? new FhirString(onsetText) : null),
        };
        condition.Note.AddRange(notes);                                                             // NTE after the PRB
        var identifier = Identifiers.FromEi(prb.Field(4), context);                                 // PRB-4
        if (identifier is not null) condition.Identifier.Add(identifier);
        return identifier is not null
            ? context.Transaction.PutByIdentifier(condition, identifier)
            : context.Transaction.PutByKey(condition, [.. context.PatientKey, "problem", code.Coding.FirstOrDefault()?.Code ?? code.Text]);
    }
}
