using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>NK1 to RelatedPerson (IG NK1[RelatedPerson]), and the people a patient's bills name (GT1, IN1).</summary>
internal static class RelatedPersonMapping
{
    private const string RoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";

    // IG concept map Relationship (HL7 table 0063 → v3 RoleCode).
    private static readonly Dictionary<string, string> Relationships = new()
    {
        ["SEL"] = "ONESELF", ["SPO"] = "SPS", ["DOM"] = "SIGOTHR", ["CHD"] = "CHILD", ["GCH"] = "GRNDCHILD",
        ["NCH"] = "NCHILD", ["SCH"] = "STPCHLD", ["FCH"] = "CHLDFOST", ["DEP"] = "DEP", ["WRD"] = "WRD",
        ["PAR"] = "PRN", ["MTH"] = "MTH", ["FTH"] = "FTH", ["CGV"] = "CGV", ["GRD"] = "GRD", ["GRP"] = "GRPRN",
        ["EXF"] = "EXT", ["SIB"] = "SIB", ["BRO"] = "BRO", ["SIS"] = "SIS", ["FND"] = "FRND", ["OAD"] = "OAD",
        ["EME"] = "EME", ["EMR"] = "E", ["ASC"] = "ASC", ["EMC"] = "C", ["OWN"] = "OWN", ["TRA"] = "TRA",
        ["MGR"] = "MGR", ["NON"] = "NON", ["UNK"] = "U", ["OTH"] = "O",
    };

    /// <summary>The v3 RoleCode for a table 0063 relationship, followed by the v2 code itself.</summary>
    public static CodeableConcept? Relationship(V2Value? cwe)
    {
        if (cwe?[1] is not { } code) return Codes.FromCwe(cwe);
        var concept = Codes.FromCwe(cwe, Codes.V2Table("0063"))!;
        if (Relationships.TryGetValue(code, out var role)) concept.Coding.Insert(0, new Coding(RoleCode, role));
        return concept;
    }

    /// <summary>
    /// The RelatedPerson of an NK1. NK1-1 is only a position in the message, so its id is derived from the
    /// patient, the name (NK1-2, else the organisation NK1-13) and the relationship (NK1-3): the same person
    /// in the next A08 is the same RelatedPerson.
    /// </summary>
    public static ResourceReference? Map(V2Segment nk1, MappingContext context)
    {
        var dates = context.Dates;
        var person = new RelatedPerson { Patient = context.Patient, Active = true };
        if (Names.FromXpn(nk1.Field(2), dates) is { } name) person.Name.Add(name);                    // NK1-2
        if (Relationship(nk1.Field(3)) is { } relationship) person.Relationship.Add(relationship);  // NK1-3
        if (Codes.FromCwe(nk1.Field(7), Codes.V2Table("0131")) is { } role) person.Relationship.Add(role); // NK1-7
        person.Address.AddRange(nk1.Repetitions(4).Select(x => Addresses.FromXad(x, dates)).OfType<Address>()); // NK1-4
        person.Telecom.AddRange(nk1.Repetitions(5).Select(x => ContactPoints.FromXtn(x, dates, ContactPoint.ContactPointUse.Home)).OfType<ContactPoint>()); // NK1-5
        person.Telecom.AddRange(nk1.Repetitions(6).Select(x => ContactPoints.FromXtn(x, dates, ContactPoint.ContactPointUse.Work)).OfType<ContactPoint>()); // NK1-6
        var start = dates.DateTime(nk1.Field(8));                                                    // NK1-8
        var end = dates.DateTime(nk1.Field(9));                                                      // NK1-9
        if (start is not null || end is not null) person.Period = new Period(start, end);
        person.Gender = PatientMapping.Gender(nk1[15]);                                              // NK1-15
        person.BirthDateElement = dates.Date(nk1.Field(16));                                        // NK1-16
        person.Identifier.AddRange(nk1.Repetitions(33).Select(cx => Identifiers.FromCx(cx, context)).OfType<Identifier>()); // NK1-33
        if (Codes.FromCwe(nk1.Field(20), Codes.V2Table("0296")) is { } language)                    // NK1-20
            person.Communication.Add(new RelatedPerson.CommunicationComponent { Language = language });

        var who = person.Name.FirstOrDefault() is { } n ? Names.Display(n) : nk1[13];               // NK1-13 organisation name
        if (who is null && person.Identifier.Count == 0) return null;
        return context.Transaction.PutByKey(person, [.. context.PatientKey, who, nk1[3],
            person.Identifier.FirstOrDefault()?.Value]);
    }

    /// <summary>
    /// A party to the patient's bills — a guarantor (GT1), an insured (IN1): the patient itself when the relationship
    /// (table 0063) is SEL, else a RelatedPerson of the patient, matched like an NK1's by its name and relationship, so
    /// that the spouse who is next of kin, guarantor and insured at once is one RelatedPerson. What one segment says
    /// of that person and an earlier one left out (a birth date, an SSN, a phone) is added to it. Null when the
    /// segment names no one.
    /// </summary>
    public static ResourceReference? Party(RelatedPerson person, V2Value? relationship, MappingContext context)
    {
        if (relationship?[1] == "SEL") return context.Patient;
        if (person.Name.FirstOrDefault() is not { } name) return null;
        person.Patient = context.Patient;
        person.Active = true;
        if (Relationship(relationship) is { } concept) person.Relationship.Add(concept);
        var reference = context.Transaction.PutByKey(person, [.. context.PatientKey, Names.Display(name), relationship?[1], null]);
        var kept = context.Transaction.Resource<RelatedPerson>(reference);
        if (!ReferenceEquals(kept, person)) AddMissing(kept, person);
        return reference;
    }

    private static void AddMissing(RelatedPerson kept, RelatedPerson other)
    {
        kept.BirthDateElement ??= other.BirthDateElement;
        kept.Gender ??= other.Gender;
        kept.Identifier.AddRange(other.Identifier.Where(i => !kept.Identifier.Any(k => Identifiers.Same(k, i))));
        kept.Telecom.AddRange(other.Telecom.Where(t => !kept.Telecom.Any(k => k.Value == t.Value)));
        if (kept.Address.Count == 0) kept.Address.AddRange(other.Address);
    }
}
