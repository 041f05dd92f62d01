using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>XCN to a reference to a Practitioner (IG XCN[Practitioner]).</summary>
internal static class Practitioners
{
    /// <summary>
    /// A person with an id (XCN-1) becomes a Practitioner updated by that identifier (XCN-9 its authority,
    /// else the sender's) and is referred to; a person with a name only gets a reference holding the name
    /// as its display and no resource, since a name alone cannot tell two people apart.
    /// </summary>
    public static ResourceReference? Reference(V2Value? xcn, MappingContext context)
    {
        if (xcn is null) return null;
        var name = Names.FromXcn(xcn);
        if (xcn[1] is not { } id)
            return name is null ? null : new ResourceReference { Display = Names.Display(name) };

        var hd = xcn.Part(9).IsEmpty ? context.Sender : xcn.Part(9);
        var identifier = new Identifier(Identifiers.SystemOf(hd, context.Options), id);   // XCN.1, XCN.9
        if (xcn[13] is { } type) identifier.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, type); // XCN.13
        var practitioner = new Practitioner { Identifier = [identifier] };
        if (name is not null) practitioner.Name.Add(name);                                // XCN.2-6, XCN.10
        if (xcn[7] is { } degree)                                                         // XCN.7
            practitioner.Qualification.Add(new Practitioner.QualificationComponent { Code = new CodeableConcept(Codes.V2Table("0360"), degree) });
        var reference = context.Transaction.PutByIdentifier(practitioner, identifier);
        if (name is not null) reference.Display = Names.Display(name);
        return reference;
    }
}
