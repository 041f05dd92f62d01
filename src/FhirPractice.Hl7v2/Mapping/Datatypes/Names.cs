using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>XPN and the name part of XCN to HumanName (IG XPN[HumanName], XCN[Practitioner]).</summary>
internal static class Names
{
    // IG concept map NameType (HL7 table 0200 → name-use).
    private static readonly Dictionary<string, HumanName.NameUse> Uses = new()
    {
        ["BAD"] = HumanName.NameUse.Old, ["D"] = HumanName.NameUse.Usual, ["L"] = HumanName.NameUse.Official,
        ["M"] = HumanName.NameUse.Maiden, ["MSK"] = HumanName.NameUse.Anonymous, ["N"] = HumanName.NameUse.Nickname,
        ["NAV"] = HumanName.NameUse.Temp, ["R"] = HumanName.NameUse.Official, ["TEMP"] = HumanName.NameUse.Temp,
        ["NOUSE"] = HumanName.NameUse.Old,
    };

    /// <summary>XPN[HumanName].</summary>
    public static HumanName? FromXpn(V2Value? xpn, V2DateTimes dates)
    {
        if (xpn is null) return null;
        var name = new HumanName
        {
            Family = xpn.Part(1)[1],                                      // XPN.1 (FN.1 surname)
            GivenElement = Strings(xpn[2], xpn[3]),                        // XPN.2, XPN.3
            PrefixElement = Strings(xpn[5]),                               // XPN.5
            SuffixElement = Strings(xpn[4], xpn[6], xpn[14]),              // XPN.4, XPN.6, XPN.14
        };
        if (xpn[7] is { } type && Uses.TryGetValue(type, out var use)) name.Use = use; // XPN.7 NameType
        var start = dates.DateTime(xpn, 12) ?? dates.DateTime(xpn.Part(10), 1);          // XPN.12, XPN.10 (DR)
        var end = dates.DateTime(xpn, 13) ?? dates.DateTime(xpn.Part(10), 2);            // XPN.13
        if (start is not null || end is not null) name.Period = new Period(start, end);
        return name.Family is null && name.Given.Count() == 0 ? null : name;
    }

    /// <summary>The name in XCN-2..7 (and XCN-10 use), as XCN[Practitioner] maps it.</summary>
    public static HumanName? FromXcn(V2Value xcn)
    {
        var name = new HumanName
        {
            Family = xcn.Part(2)[1],                       // XCN.2
            GivenElement = Strings(xcn[3], xcn[4]),        // XCN.3, XCN.4
            SuffixElement = Strings(xcn[5], xcn[21]),      // XCN.5, XCN.21
            PrefixElement = Strings(xcn[6]),               // XCN.6
        };
        if (xcn[10] is { } type && Uses.TryGetValue(type, out var use)) name.Use = use; // XCN.10
        return name.Family is null && name.Given.Count() == 0 ? null : name;
    }

    public static string Display(HumanName name) =>
        string.Join(" ", name.Prefix.Concat(name.Given).Append(name.Family).Concat(name.Suffix).Where(s => !string.IsNullOrEmpty(s)));

    private static List<FhirString> Strings(params string?[] values) =>
        values.Where(v => v is not null).Select(v => new FhirString(v)).ToList();
}
