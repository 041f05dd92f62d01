using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>PL to a Location (IG PL[Location]), one per distinct place.</summary>
internal static class Locations
{
    /// <summary>
    /// The most specific place the PL names (bed, else room, else point of care, …) as one Location whose
    /// name lists the parts (facility, building, floor, point of care, room, bed); its id is derived from
    /// the sender and those parts, so the same place is one Location however many messages name it.
    /// </summary>
    public static ResourceReference? Reference(V2Value? pl, MappingContext context)
    {
        if (pl is null) return null;
        string?[] parts = [pl.Part(4)[1], pl[7], pl[8], pl[1], pl[2], pl[3]];  // PL.4 facility, PL.7 building, PL.8 floor, PL.1, PL.2, PL.3
        var name = string.Join(" ", parts.Where(p => p is not null));
        if (name.Length == 0) name = pl[9] ?? "";                                // PL.9 description
        if (name.Length == 0) return null;
        var location = new Location
        {
            Name = name,
            Description = pl[9],
            Status = Location.LocationStatus.Active,
            Mode = Location.LocationMode.Instance,
        };
        if (pl[3] is not null) location.PhysicalType = new CodeableConcept("http://terminology.hl7.org/CodeSystem/location-physical-type", "bd");
        else if (pl[2] is not null) location.PhysicalType = new CodeableConcept("http://terminology.hl7.org/CodeSystem/location-physical-type", "ro");
        var reference = context.Transaction.PutByKey(location, [Identifiers.SystemOf(context.Sender, context.Options), .. parts, pl[9]]);
        reference.Display = name;
        return reference;
    }
}
