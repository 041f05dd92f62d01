using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>XAD to Address (IG XAD[Address]).</summary>
internal static class Addresses
{
    // IG concept maps AddressType[Use] and AddressType[Type] (HL7 table 0190).
    private static readonly Dictionary<string, Address.AddressUse> Uses = new()
    {
        ["BA"] = Address.AddressUse.Old, ["BI"] = Address.AddressUse.Billing, ["C"] = Address.AddressUse.Temp,
        ["B"] = Address.AddressUse.Work, ["H"] = Address.AddressUse.Home, ["O"] = Address.AddressUse.Work,
    };

    private static readonly Dictionary<string, Address.AddressType> Types = new()
    {
        ["M"] = Address.AddressType.Postal, ["SH"] = Address.AddressType.Postal,
    };

    public static Address? FromXad(V2Value? xad, V2DateTimes dates)
    {
        if (xad is null) return null;
        var address = new Address
        {
            LineElement = new[] { xad.Part(1)[1], xad[2], xad[19] }           // XAD.1 (SAD.1 street), XAD.2, XAD.19
                .Where(l => l is not null).Select(l => new FhirString(l)).ToList(),
            City = xad[3],                                                      // XAD.3
            State = xad[4],                                                     // XAD.4
            PostalCode = xad[5],                                                // XAD.5
            Country = xad[6],                                                   // XAD.6
            District = xad[9],                                                  // XAD.9
        };
        if (xad[7] is { } type)                                                 // XAD.7
        {
            if (Uses.TryGetValue(type, out var use)) address.Use = use;
            if (Types.TryGetValue(type, out var t)) address.Type = t;
        }
        var start = dates.DateTime(xad, 13) ?? dates.DateTime(xad.Part(12), 1); // XAD.13, XAD.12
        var end = dates.DateTime(xad, 14) ?? dates.DateTime(xad.Part(12), 2);   // XAD.14
        if (start is not null || end is not null) address.Period = new Period(start, end);
        return address.Line.Any() || address.City is not null || address.PostalCode is not null || address.State is not null || address.Country is not null
            ? address : null;
    }
}
