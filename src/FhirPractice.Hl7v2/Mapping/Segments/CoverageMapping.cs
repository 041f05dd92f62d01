using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>IN1 to Coverage (IG IN1[Coverage]).</summary>
internal static class CoverageMapping
{
    private const string SubscriberRelationship = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";

    // Table 0063 → the subscriber relationship codes R4 binds Coverage.relationship to (what a claim's SBR/PAT
    // relationship is read from); a relationship outside them is "other".
    private static readonly Dictionary<string, string> SubscriberRelationships = new()
    {
        ["SEL"] = "self", ["SPO"] = "spouse", ["DOM"] = "common", ["CHD"] = "child", ["NCH"] = "child",
        ["SCH"] = "child", ["FCH"] = "child", ["PAR"] = "parent", ["MTH"] = "parent", ["FTH"] = "parent",
    };

    /// <summary>IN1-17 as a subscriber relationship, followed by the v3 and v2 codes of the IG's map.</summary>
    private static CodeableConcept? Relationship(V2Value? cwe)
    {
        var concept = RelatedPersonMapping.Relationship(cwe);
        if (cwe?[1] is { } code)
            concept!.Coding.Insert(0, new Coding(SubscriberRelationship, SubscriberRelationships.GetValueOrDefault(code, "other")));
        return concept;
    }

    /// <summary>
    /// The insured (IG: IN1-16 is the subscriber, a RelatedPerson unless IN1-17 says the patient): the patient when
    /// IN1-17 is SEL, else a RelatedPerson of IN1-16 name, IN1-18 birth date, IN1-19 address, IN1-43 sex.
    /// </summary>
    private static ResourceReference? Insured(V2Segment in1, MappingContext context)
    {
        var dates = context.Dates;
        var person = new RelatedPerson();
        person.Name.AddRange(in1.Repetitions(16).Select(x => Names.FromXpn(x, dates)).OfType<HumanName>()); // IN1-16
        person.BirthDateElement = dates.Date(in1.Field(18));                                        // IN1-18
        person.Address.AddRange(in1.Repetitions(19).Select(x => Addresses.FromXad(x, dates)).OfType<Address>()); // IN1-19
        person.Gender = PatientMapping.Gender(in1[43]);                                             // IN1-43
        return RelatedPersonMapping.Party(person, in1.Field(17), context);                          // IN1-17
    }

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
            Relationship = Relationship(in1.Field(17)),                                             // IN1-17
            Subscriber = Insured(in1, context),                                                     // IN1-16
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
