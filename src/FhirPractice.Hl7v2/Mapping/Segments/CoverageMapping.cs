using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>IN1 to Coverage (IG IN1[Coverage]).</summary>
internal static class CoverageMapping
{
    /// <summary>
    /// The Coverage of an IN1, paid by the insurer of IN1-3/IN1-4 (an Organization). Matched by the policy
    /// number (IN1-36) when there is one, else by the patient, the insurer and the plan (IN1-2).
    /// </summary>
    public static ResourceReference? Map(V2Segment in1, MappingContext context)
    {
        var dates = context.Dates;
        var insurerId = Identifiers.FromCx(in1.Field(3), context);                                  // IN1-3
        var insurerName = in1.Field(4)?[1];                                                         // IN1-4
        var payor = Organizations.Reference(insurerId, insurerName, context);
        var coverage = new Coverage
        {
            Status = FinancialResourceStatusCodes.Active,
            Beneficiary = context.Patient,
            Payor = [payor ?? context.Patient],                                                     // an uninsured IN1 (self pay): the patient pays
            Type = Codes.FromCwe(in1.Field(15), Codes.V2Table("0086")),                            // IN1-15
            Relationship = RelatedPersonMapping.Relationship(in1.Field(17)),                        // IN1-17
        };
        var start = dates.DateTime(in1.Field(12));                                                  // IN1-12
        var end = dates.DateTime(in1.Field(13));                                                    // IN1-13
        if (start is not null || end is not null) coverage.Period = new Period(start, end);
        if (in1.Field(2) is { } plan && plan[1] is { } planId)                                     // IN1-2
            coverage.Identifier.Add(new Identifier(Codes.SystemFor(plan[3]) ?? Identifiers.SystemOf(context.Sender, context.Options), planId)
                { Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "NIIP") });
        Identifier? policy = null;
        if (in1[36] is { } policyNumber)                                                            // IN1-36
        {
            policy = new Identifier(insurerId?.System ?? Identifiers.SystemOf(context.Sender, context.Options), policyNumber)
                { Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "MB") };
            coverage.Identifier.Add(policy);
            coverage.SubscriberId = policyNumber;
        }
        if (in1[8] is { } group)                                                                    // IN1-8, IN1-9
            coverage.Class.Add(new Coverage.ClassComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/coverage-class", "group"),
                Value = group, Name = in1.Field(9)?[1],
            });
        if (payor is null && in1[2] is null && policy is null) return null;
        return policy is not null
            ? context.Transaction.PutByIdentifier(coverage, policy)
            : context.Transaction.PutByKey(coverage, [.. context.PatientKey, insurerId?.Value ?? insurerName, in1[2], in1[8]]);
    }
}
