using System.Globalization;
using FhirPractice.Hl7v2.Er7;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// Writes FHIR datatypes into v2.5.1 fields, the reverse of the HL7 v2-to-FHIR IG datatype tables
/// (CX[Identifier], HD[uri], XPN[HumanName], XAD[Address], XTN[ContactPoint], CWE[CodeableConcept]) and their
/// concept maps (NameType, AddressType[Use], TelecommunicationUseCode, TelecommunicationEquipmentType).
/// <c>at</c> is a field repetition such as <c>PID-3(2)</c>; components are appended to it.
/// </summary>
internal static class V2Fields
{
    /// <summary>An instant as DTM with its offset: 20240501103000.123+0200.</summary>
    public static string Dtm(DateTimeOffset instant) =>
        instant.ToString(instant.Millisecond == 0 ? "yyyyMMddHHmmss" : "yyyyMMddHHmmss.fff", CultureInfo.InvariantCulture) +
        (instant.Offset < TimeSpan.Zero ? "-" : "+") + instant.Offset.ToString("hhmm", CultureInfo.InvariantCulture);

    /// <summary>A FHIR date or dateTime as DTM, keeping its precision: 1974-12-25 → 19741225, …T10:00:00Z → …100000+0000.</summary>
    public static string? Dtm(string? fhir)
    {
        if (string.IsNullOrEmpty(fhir)) return null;
        var t = fhir.IndexOf('T');
        var date = (t < 0 ? fhir : fhir[..t]).Replace("-", "");
        if (t < 0) return date;
        var time = fhir[(t + 1)..];
        var zone = "";
        if (time.EndsWith('Z')) (time, zone) = (time[..^1], "+0000");
        else if (time.IndexOfAny(['+', '-']) is var z and >= 0) (time, zone) = (time[..z], time[z..].Replace(":", ""));
        return date + time.Replace(":", "") + zone;
    }

    /// <summary>CX: value, assigning authority (HD from the system, or the assigner's name), type code (v2 table 0203).</summary>
    public static void Cx(Er7Message m, string at, Identifier id)
    {
        m.Set($"{at}-1", id.Value);
        if (id.System is { } system)
        {
            var (universal, type) = UniversalId(system);
            m.Set($"{at}-4-2", universal);
            m.Set($"{at}-4-3", type);
        }
        else if (id.Assigner?.Display is { } assigner) m.Set($"{at}-4-1", assigner);
        m.Set($"{at}-5", id.Type?.Coding.FirstOrDefault()?.Code);
    }

    /// <summary>A filler number (EI): the resource's own first identifier (a lab's accession, say), else our id and authority.</summary>
    public static void FillerNumber(Er7Message m, string at, IEnumerable<Identifier> identifiers, string id, string serverAuthority)
    {
        if (identifiers.FirstOrDefault(i => !string.IsNullOrEmpty(i.Value)) is { } own) Ei(m, at, own);
        else
        {
            m.Set($"{at}-1", id);
            m.Set($"{at}-2", serverAuthority);
        }
    }

    /// <summary>EI: entity id^^universal id^its type (the identifier's system as HD-2/3).</summary>
    public static void Ei(Er7Message m, string at, Identifier identifier)
    {
        m.Set($"{at}-1", identifier.Value);
        if (identifier.System is not { } system) return;
        var (universal, type) = UniversalId(system);
        m.Set($"{at}-3", universal);
        m.Set($"{at}-4", type);
    }

    /// <summary>
    /// The universal id and its type for a URI (IG HD[uri] reversed): urn:oid:X is X, ISO; urn:uuid:X is X, UUID;
    /// any other URI is itself, URI.
    /// </summary>
    public static (string Id, string Type) UniversalId(string system) =>
        system.StartsWith("urn:oid:", StringComparison.Ordinal) ? (system[8..], "ISO")
        : system.StartsWith("urn:uuid:", StringComparison.Ordinal) ? (system[9..], "UUID") : (system, "URI");

    /// <summary>XPN: family^given^further given names^suffix^prefix^^name type (table 0200).</summary>
    public static void Xpn(Er7Message m, string at, HumanName name)
    {
        m.Set($"{at}-1", name.Family);
        var given = name.Given.ToList();
        m.Set($"{at}-2", given.FirstOrDefault());
        m.Set($"{at}-3", given.Count > 1 ? string.Join(' ', given.Skip(1)) : null);
        m.Set($"{at}-4", name.Suffix.FirstOrDefault());
        m.Set($"{at}-5", name.Prefix.FirstOrDefault());
        m.Set($"{at}-7", name.Use switch
        {
            HumanName.NameUse.Official => "L",
            HumanName.NameUse.Usual => "D",
            HumanName.NameUse.Nickname => "N",
            HumanName.NameUse.Maiden => "M",
            HumanName.NameUse.Anonymous => "S",
            _ => null,
        });
        if (name.Family is null && given.Count == 0 && name.Text is { } text) m.Set($"{at}-1", text);
    }

    /// <summary>XAD: street^other designation^city^state^zip^country^address type (table 0190)^^county.</summary>
    public static void Xad(Er7Message m, string at, Address address)
    {
        var lines = address.Line.ToList();
        m.Set($"{at}-1", lines.FirstOrDefault());
        m.Set($"{at}-2", lines.Count > 1 ? string.Join(", ", lines.Skip(1)) : null);
        m.Set($"{at}-3", address.City);
        m.Set($"{at}-4", address.State);
        m.Set($"{at}-5", address.PostalCode);
        m.Set($"{at}-6", address.Country);
        m.Set($"{at}-7", address.Use switch
        {
            Address.AddressUse.Home => "H",
            Address.AddressUse.Work => "O",
            Address.AddressUse.Billing => "BI",
            Address.AddressUse.Temp => "C",
            Address.AddressUse.Old => "BA",
            _ => address.Type == Address.AddressType.Postal ? "M" : null,
        });
        m.Set($"{at}-9", address.District);
    }

    /// <summary>
    /// XTN: the number in XTN-1 (still what most receivers read), use (table 0201), equipment (table 0202),
    /// an e-mail address in XTN-4.
    /// </summary>
    public static void Xtn(Er7Message m, string at, ContactPoint contact)
    {
        var email = contact.System == ContactPoint.ContactPointSystem.Email;
        m.Set($"{at}-{(email ? 4 : 1)}", contact.Value);
        m.Set($"{at}-2", email ? "NET" : contact.Use switch
        {
            ContactPoint.ContactPointUse.Home => "PRN",
            ContactPoint.ContactPointUse.Work => "WPN",
            ContactPoint.ContactPointUse.Mobile => "PRS",
            _ => null,
        });
        m.Set($"{at}-3", contact.System switch
        {
            ContactPoint.ContactPointSystem.Email => "Internet",
            ContactPoint.ContactPointSystem.Fax => "FX",
            ContactPoint.ContactPointSystem.Pager => "BP",
            ContactPoint.ContactPointSystem.Phone => contact.Use == ContactPoint.ContactPointUse.Mobile ? "CP" : "PH",
            _ => null,
        });
    }

    /// <summary>CWE: code^text^coding system, from the concept's first coding (or its text alone).</summary>
    public static void Cwe(Er7Message m, string at, CodeableConcept? concept)
    {
        if (concept is null) return;
        if (concept.Coding.FirstOrDefault() is { } coding) Cwe(m, at, coding, concept.Text);
        else m.Set($"{at}-2", concept.Text);
    }

    public static void Cwe(Er7Message m, string at, Coding coding, string? text = null)
    {
        m.Set($"{at}-1", coding.Code);
        m.Set($"{at}-2", coding.Display ?? text);
        m.Set($"{at}-3", CodingSystem(coding.System));
    }

    /// <summary>A code from a v2 table: code^text^HL7nnnn.</summary>
    public static void TableCode(Er7Message m, string at, string? code, string table, string? text = null)
    {
        if (code is null) return;
        m.Set($"{at}-1", code);
        m.Set($"{at}-2", text ?? code);
        m.Set($"{at}-3", table);
    }

    /// <summary>The v2 name of a FHIR code system (table 0396) where one exists; otherwise the URI itself.</summary>
    public static string? CodingSystem(string? system) => Mapping.Datatypes.Codes.NameFor(system);
}
