using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// RF1 with its PRDs to a ServiceRequest of category referral. The IG has no RF1 or PRD map; the fields follow
/// the v2 RF1/PRD definitions: status RF1-1, priority RF1-2, code RF1-3 (referral type), identifier RF1-6
/// (originating referral id), authoredOn RF1-7, occurrence until RF1-8, reasonCode RF1-10, requester the
/// referring provider (PRD-1 RP), performer the referred-to (PRD-1 RT).
/// </summary>
internal static class ReferralMapping
{
    // HL7 table 0283 referral status.
    private static readonly Dictionary<string, RequestStatus> Statuses = new()
    {
        ["A"] = RequestStatus.Active, ["P"] = RequestStatus.Draft, ["R"] = RequestStatus.Revoked, ["E"] = RequestStatus.Completed,
    };

    /// <summary>The referral of an RF1; matched by RF1-6, else RF1-11 (external referral id), else the patient, type and date. <paramref name="cancelled"/> (I14) revokes it.</summary>
    public static ResourceReference Map(V2Segment rf1, IEnumerable<V2Segment> prds, IEnumerable<ResourceReference> reasons, bool cancelled, MappingContext context)
    {
        var referral = new ServiceRequest
        {
            Status = cancelled ? RequestStatus.Revoked
                : rf1[1] is { } status && Statuses.TryGetValue(status, out var s) ? s : RequestStatus.Active, // RF1-1
            Intent = RequestIntent.Order,
            Category = [new CodeableConcept("http://snomed.info/sct", "3457005", "Patient referral")],
            Subject = context.Patient,
            Code = Codes.FromCwe(rf1.Field(3), Codes.V2Table("0281")),                             // RF1-3
            AuthoredOnElement = context.Dates.DateTime(rf1.Field(7)),                              // RF1-7
            ReasonReference = reasons.ToList(),                                                     // DG1 of the message
        };
        if (rf1[2] is { } priority)                                                                 // RF1-2 (table 0280)
            referral.Priority = priority switch { "S" => RequestPriority.Stat, "A" => RequestPriority.Asap, "R" => RequestPriority.Routine, _ => null };
        if (context.Dates.DateTime(rf1.Field(8)) is { } expires) referral.Occurrence = new Period { EndElement = expires }; // RF1-8
        foreach (var reason in rf1.Repetitions(10))                                                 // RF1-10
            if (Codes.FromCwe(reason, Codes.V2Table("0336")) is { } code) referral.ReasonCode.Add(code);
        var originating = Identifiers.FromEi(rf1.Field(6), context);                                // RF1-6
        var external = Identifiers.FromEi(rf1.Field(11), context);                                  // RF1-11
        if (originating is not null) referral.Identifier.Add(originating);
        if (external is not null) referral.Identifier.Add(external);

        foreach (var prd in prds)
        {
            if (Provider(prd, context) is not { } provider) continue;
            switch (prd[1])                                                                         // PRD-1 (table 0286)
            {
                case "RP": referral.Requester ??= provider; break;
                case "RT": referral.Performer.Add(provider); break;
            }
        }
        return (originating ?? external) is { } identifier
            ? context.Transaction.PutByIdentifier(referral, identifier)
            : context.Transaction.PutByKey(referral, [.. context.PatientKey, rf1[3], rf1[7]]);
    }

    // PRD-7 (identifier), PRD-2 (name): a Practitioner when identified, else a named reference (as XCN[Practitioner] does).
    private static ResourceReference? Provider(V2Segment prd, MappingContext context)
    {
        var name = Names.FromXpn(prd.Field(2), context.Dates);                                      // PRD-2
        if (prd[7] is not { } id) return name is null ? null : new ResourceReference { Display = Names.Display(name) };
        var identifier = new Identifier(Identifiers.SystemOf(context.Sender, context.Options), id); // PRD-7.1
        var practitioner = new Practitioner { Identifier = [identifier] };
        if (name is not null) practitioner.Name.Add(name);
        practitioner.Address.AddRange(prd.Repetitions(3).Select(x => Addresses.FromXad(x, context.Dates)).OfType<Address>()); // PRD-3
        practitioner.Telecom.AddRange(prd.Repetitions(5).Select(x => ContactPoints.FromXtn(x, context.Dates)).OfType<ContactPoint>()); // PRD-5
        var reference = context.Transaction.PutByIdentifier(practitioner, identifier);
        if (name is not null) reference.Display = Names.Display(name);
        return reference;
    }
}
