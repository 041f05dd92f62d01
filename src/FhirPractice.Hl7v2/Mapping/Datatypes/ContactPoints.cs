using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>XTN to ContactPoint (IG XTN[ContactPoint]).</summary>
internal static class ContactPoints
{
    // IG concept map TelecommunicationUseCode (HL7 table 0201).
    private static readonly Dictionary<string, ContactPoint.ContactPointUse> Uses = new()
    {
        ["PRN"] = ContactPoint.ContactPointUse.Home, ["WPN"] = ContactPoint.ContactPointUse.Work,
        ["PRS"] = ContactPoint.ContactPointUse.Mobile, ["ORN"] = ContactPoint.ContactPointUse.Home,
        ["VHN"] = ContactPoint.ContactPointUse.Temp,
    };

    // IG concept map TelecommunicationEquipmentType (HL7 table 0202).
    private static readonly Dictionary<string, ContactPoint.ContactPointSystem> Systems = new()
    {
        ["PH"] = ContactPoint.ContactPointSystem.Phone, ["FX"] = ContactPoint.ContactPointSystem.Fax,
        ["MD"] = ContactPoint.ContactPointSystem.Other, ["CP"] = ContactPoint.ContactPointSystem.Phone,
        ["SAT"] = ContactPoint.ContactPointSystem.Other, ["BP"] = ContactPoint.ContactPointSystem.Pager,
        ["Internet"] = ContactPoint.ContactPointSystem.Email, ["X.400"] = ContactPoint.ContactPointSystem.Email,
        ["TDD"] = ContactPoint.ContactPointSystem.Other, ["TTY"] = ContactPoint.ContactPointSystem.Other,
    };

    /// <param name="defaultUse">The use the field implies (PID-13 home, PID-14 work) when XTN-2 says nothing.</param>
    public static ContactPoint? FromXtn(V2Value? xtn, V2DateTimes dates, ContactPoint.ContactPointUse? defaultUse = null)
    {
        if (xtn is null) return null;
        var value = xtn[4] ?? xtn[12] ?? Assembled(xtn) ?? xtn[1];           // XTN.4 email, XTN.12 unformatted, XTN.5-8, XTN.1
        if (value is null) return null;
        var point = new ContactPoint { Value = value };
        if (xtn[3] is { } equipment && Systems.TryGetValue(equipment, out var system)) point.System = system; // XTN.3
        else if (xtn[4] is not null && value.Contains('@')) point.System = ContactPoint.ContactPointSystem.Email;
        else point.System = ContactPoint.ContactPointSystem.Phone;
        if (xtn[2] is { } use && Uses.TryGetValue(use, out var u)) point.Use = u;                            // XTN.2
        else if (xtn[3] == "CP") point.Use = ContactPoint.ContactPointUse.Mobile;
        else point.Use = defaultUse;
        var start = dates.DateTime(xtn, 13);                                  // XTN.13
        var end = dates.DateTime(xtn, 14);                                    // XTN.14
        if (start is not null || end is not null) point.Period = new Period(start, end);
        if (int.TryParse(xtn[18], out var rank) && rank > 0) point.Rank = rank; // XTN.18
        return point;
    }

    // XTN.5 country, XTN.6 area, XTN.7 local number, XTN.8 extension, as the IG assembles them.
    private static string? Assembled(V2Value xtn)
    {
        if (xtn[7] is not { } local) return null;
        var number = string.Join(" ", new[] { xtn[5] is { } c ? "+" + c : null, xtn[6], local }.Where(p => p is not null));
        return xtn[8] is { } extension ? $"{number} X{extension}" : number;
    }
}
