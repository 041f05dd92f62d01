using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>MSH and EVN to the Provenance of the message (IG MSH[Provenance-Source], EVN[Provenance]).</summary>
internal static class ProvenanceMapping
{
    private const string UriIdentifierSystem = "urn:ietf:rfc:3986";

    /// <summary>
    /// One Provenance per message, naming everything the transaction writes. Its id is derived from the sender
    /// and MSH-10, so replaying the message after a mapping fix rewrites it rather than adding a second one.
    /// The sending facility and application are logical references (an identifier, no resource): they name
    /// a system, not a record this server keeps.
    /// </summary>
    public static void Add(MappingContext context)
    {
        var msh = context.Header;
        var controlId = msh[10]!;
        var senderSystem = Identifiers.SystemOf(context.Sender, context.Options);
        var provenance = new Provenance
        {
            Recorded = context.Dates.Instant(msh.Required(7, "Date/Time of Message"))?.Value, // MSH-7 recorded
            Activity = new CodeableConcept(Codes.V2Table("0003"), msh[9, 2], $"{msh[9, 1]}^{msh[9, 2]}"), // MSH-9
        };
        foreach (var (field, role) in new[] { (4, "author"), (3, "assembler") })          // MSH-4 facility, MSH-3 application
        {
            if (msh.Field(field) is not { } hd) continue;
            provenance.Agent.Add(new Provenance.AgentComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", role),
                Who = new ResourceReference
                {
                    Identifier = new Identifier(UriIdentifierSystem, Identifiers.SystemOf(hd, context.Options)),
                    Display = hd[1] ?? hd[2],
                },
            });
        }
        if (provenance.Agent.Count == 0)
            provenance.Agent.Add(new Provenance.AgentComponent { Who = new ResourceReference { Display = "unnamed sender (MSH-3 and MSH-4 empty)" } });
        provenance.Entity.Add(new Provenance.EntityComponent                                   // MSH-10: the message itself
        {
            Role = Provenance.ProvenanceEntityRole.Source,
            What = new ResourceReference { Identifier = new Identifier(senderSystem, controlId), Display = $"HL7 v2 message {controlId}" },
        });

        if (context.First("EVN") is { } evn)
        {
            if (Codes.FromCwe(evn.Field(4), Codes.V2Table("0062")) is { } reason) provenance.Reason.Add(reason); // EVN-4
            provenance.Occurred = context.Dates.DateTime(evn.Field(6));                                          // EVN-6
            if (Practitioners.Reference(evn.Field(5), context) is { } operatorId)                                 // EVN-5
                provenance.Agent.Add(new Provenance.AgentComponent
                {
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "enterer"),
                    Who = operatorId,
                });
        }
        provenance.Target = context.Transaction.Written.ToList();                                                  // what this message wrote
        context.Transaction.Put(provenance, $"Provenance/{IdOf(context.Sender, controlId, context.Options)}");
    }

    /// <summary>The id <see cref="Add"/> gives the Provenance of a message from this sender (MSH-4, else MSH-3) with this MSH-10.</summary>
    public static string IdOf(V2Value? sender, string controlId, MappingOptions options) =>
        MessageTransaction.StableId(nameof(Provenance), [Identifiers.SystemOf(sender, options), controlId]);
}
