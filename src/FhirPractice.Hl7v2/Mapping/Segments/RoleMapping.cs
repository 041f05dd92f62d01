using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// ROL to a PractitionerRole: after the PID, the patient's primary care provider (ROL-3 PP of HL7 table 0443), which the
/// Patient has as a general practitioner (IG ROL[Patient-GeneralPractitioner]); after the PV1 or PV2, a participant of
/// the visit (IG ROL[Encounter-PractitionerRole]). A procedure's or an insurance's ROL the IG leaves unmapped.
/// </summary>
internal static class RoleMapping
{
    /// <summary>Whether the IG maps this ROL after a PID to the patient's general practitioner (its other roles are not the patient's).</summary>
    public static bool IsPrimaryCare(V2Segment rol) => rol[3] == "PP" && rol[3, 3] == "HL70443";

    public static ResourceReference PrimaryCare(V2Segment rol, MappingContext context) =>
        PractitionerRole(rol, context, [.. context.PatientKey, "primary care"]).Reference;

    /// <summary>Adds the ROL's PractitionerRole to the message's Encounter as a participant in its role (ROL-3) for its period (ROL-5 to ROL-6).</summary>
    public static void Participant(V2Segment rol, MappingContext context, ResourceReference encounter)
    {
        var (reference, role) = PractitionerRole(rol, context, [.. context.PatientKey, context.EncounterKey]);
        context.Transaction.Resource<Encounter>(encounter).Participant.Add(new Encounter.ParticipantComponent
        {
            Individual = reference,
            Type = role.Code.Select(c => (CodeableConcept)c.DeepCopy()).ToList(),
            Period = (Period?)role.Period?.DeepCopy(),
        });
    }

    /// <summary>The PractitionerRole of a ROL, updated by ROL-1 when it has one, else by <paramref name="key"/>, the role and the person.</summary>
    private static (ResourceReference Reference, PractitionerRole Role) PractitionerRole(V2Segment rol, MappingContext context, string?[] key)
    {
        var role = new PractitionerRole
        {
            Practitioner = Practitioners.Reference(rol.Required(4, "Role Person"), context),          // ROL-4
            Organization = Organizations.FromXon(rol.Field(14), context),                            // ROL-14
            Period = Period(rol, context),                                                           // ROL-5, ROL-6
        };
        if (Codes.FromCwe(rol.Field(3), Codes.V2Table("0443")) is { } code) role.Code.Add(code);      // ROL-3
        role.Telecom.AddRange(rol.Repetitions(12).Select(x => ContactPoints.FromXtn(x, context.Dates)).OfType<ContactPoint>()); // ROL-12
        if (Locations.Reference(rol.Field(13), context) is { } location) role.Location.Add(location); // ROL-13
        var identifier = Identifiers.FromEi(rol.Field(1), context);                                  // ROL-1
        if (identifier is not null) role.Identifier.Add(identifier);
        var reference = identifier is not null
            ? context.Transaction.PutByIdentifier(role, identifier)
            : context.Transaction.PutByKey(role, [.. key, rol[3], rol[4], role.Practitioner?.Display]);
        reference.Display = role.Practitioner?.Display;
        return (reference, role);
    }

    private static Period? Period(V2Segment rol, MappingContext context)
    {
        var (start, end) = (context.Dates.DateTime(rol.Field(5)), context.Dates.DateTime(rol.Field(6)));
        return start is null && end is null ? null : new Period { StartElement = start, EndElement = end };
    }
}
