using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>Organizations a message names (IG XON[Organization], HD[Organization]).</summary>
internal static class Organizations
{
    /// <summary>
    /// An organization with an identifier is updated by it; one with a name only gets an id derived from the
    /// sender and the name (an organization's name, unlike a person's, is what tells it apart).
    /// </summary>
    public static ResourceReference? Reference(Identifier? identifier, string? name, MappingContext context)
    {
        if (identifier is null && name is null) return null;
        var organization = new Organization { Name = name, Active = true };
        if (identifier is not null) organization.Identifier.Add(identifier);
        var reference = identifier is not null
            ? context.Transaction.PutByIdentifier(organization, identifier)
            : context.Transaction.PutByKey(organization, Identifiers.SystemOf(context.Sender, context.Options), name);
        reference.Display = name;
        return reference;
    }

    /// <summary>XON[Organization]: XON-1 name; XON-10 (else XON-3) the id, XON-6 its authority.</summary>
    public static ResourceReference? FromXon(V2Value? xon, MappingContext context)
    {
        if (xon is null) return null;
        var id = xon[10] ?? xon[3];
        var identifier = id is null ? null : new Identifier(Identifiers.SystemOf(xon.Part(6).IsEmpty ? context.Sender : xon.Part(6), context.Options), id);
        return Reference(identifier, xon[1], context);
    }
}
