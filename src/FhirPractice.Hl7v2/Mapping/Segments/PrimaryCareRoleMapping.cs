using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// A ROL after the PID naming the patient's primary care provider (ROL-3 PP of HL7 table 0443) to a PractitionerRole
/// the Patient has as a general practitioner (IG ROL[Patient-GeneralPractitioner]).
/// </summary>
internal static class PrimaryCareRoleMapping
{
    /// <summary>Whether the IG maps this ROL to the patient's general practitioner (its other roles are not the patient's).</summary>
    public static bool IsPrimaryCare(V2Segment rol) => rol[3] == "PP" && rol[3, 3] == "HL70443";

    public static ResourceReference Map(V2Segment rol, MappingContext context)
    {
        var dates = context.Dates;
        var role = new PractitionerRole
        {
            Practitioner = Practitioners.Reference(rol.Required(4, "Role Person"), context),          // ROL-4
            Organization = Organizations.FromXon(rol.Field(14), context),                            // ROL-14
        };
        if (Codes.FromCwe(rol.Field(3), Codes.V2Table("0443")) is { } code) role.Code.Add(code);      // ROL-3
        var (start, end) = (dates.DateTime(rol.Field(5)), dates.DateTime(rol.Field(6)));              // ROL-5, ROL-6
        if (start is not null || end is not null) role.Period = new Period { StartElement = start, EndElement = end };
        role.Telecom.AddRange(rol.Repetitions(12).Select(x => ContactPoints.FromXtn(x, dates)).OfType<ContactPoint>()); // ROL-12
        if (Locations.Reference(rol.Field(13), context) is { } location) role.Location.Add(location); // ROL-13
        var identifier = Identifiers.FromEi(rol.Field(1), context);                                  // ROL-1
        if (identifier is not null) role.Identifier.Add(identifier);
        var reference = identifier is not null
            ? context.Transaction.PutByIdentifier(role, identifier)
            : context.Transaction.PutByKey(role, [.. context.PatientKey, "primary care", role.Practitioner?.Display, rol[4]]);
        reference.Display = role.Practitioner?.Display;
        return reference;
    }
}
