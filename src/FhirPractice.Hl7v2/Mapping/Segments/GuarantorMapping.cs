using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// GT1 to the guarantor of the patient's account (Account.guarantor): who pays what the insurers leave. The IG's
/// message maps list GT1 without a segment map; the fields are those of HL7 v2.5.1 chapter 6.
/// </summary>
internal static class GuarantorMapping
{
    /// <summary>
    /// The guarantor of a GT1 on <paramref name="account"/>: the patient (GT1-11 SEL), an organisation (GT1-21 when
    /// GT1-3 names no person), else a RelatedPerson of the patient (<see cref="RelatedPersonMapping.Party"/>). A GT1
    /// that names no one is a warning (ERR 207 naming GT1-3) and adds nothing.
    /// </summary>
    public static void Map(V2Segment gt1, Account account, MappingContext context)
    {
        var dates = context.Dates;
        ResourceReference? party;
        if (gt1.Field(3) is null && gt1.Field(21) is { } organisation)                               // GT1-21
            party = Organizations.FromXon(organisation, context);
        else
        {
            var person = new RelatedPerson();
            person.Name.AddRange(gt1.Repetitions(3).Select(x => Names.FromXpn(x, dates)).OfType<HumanName>()); // GT1-3
            person.Identifier.AddRange(gt1.Repetitions(2).Select(cx => Identifiers.FromCx(cx, context)).OfType<Identifier>()); // GT1-2
            if (gt1[12] is { } ssn) person.Identifier.Add(Identifiers.Typed("http://hl7.org/fhir/sid/us-ssn", ssn, "SS")); // GT1-12
            person.Address.AddRange(gt1.Repetitions(5).Select(x => Addresses.FromXad(x, dates)).OfType<Address>()); // GT1-5
            person.Telecom.AddRange(gt1.Repetitions(6).Select(x => ContactPoints.FromXtn(x, dates, ContactPoint.ContactPointUse.Home)).OfType<ContactPoint>()); // GT1-6
            person.Telecom.AddRange(gt1.Repetitions(7).Select(x => ContactPoints.FromXtn(x, dates, ContactPoint.ContactPointUse.Work)).OfType<ContactPoint>()); // GT1-7
            person.BirthDateElement = dates.Date(gt1.Field(8));                                      // GT1-8
            person.Gender = PatientMapping.Gender(gt1[9]);                                          // GT1-9
            party = RelatedPersonMapping.Party(person, gt1.Field(11), context);                      // GT1-11
        }
        if (party is null)
        {
            context.Warn(gt1.At(3), "GT1 names no guarantor (GT1-3 a person, GT1-21 an organisation): not mapped");
            return;
        }
        if (account.Guarantor.Any(g => g.Party?.Reference == party.Reference)) return;           // the same guarantor listed again
        var guarantor = new Account.GuarantorComponent { Party = party };
        var start = dates.DateTime(gt1.Field(13));                                                   // GT1-13
        var end = dates.DateTime(gt1.Field(14));                                                     // GT1-14
        if (start is not null || end is not null) guarantor.Period = new Period(start, end);
        if (gt1[22] is "Y" or "N") guarantor.OnHold = gt1[22] == "Y";                                // GT1-22 billing hold
        account.Guarantor.Add(guarantor);
    }
}
