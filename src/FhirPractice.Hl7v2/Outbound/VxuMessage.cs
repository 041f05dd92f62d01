using System.Globalization;
using FhirPractice.Hl7v2.Er7;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// VXU^V04 (structure VXU_V04) for one Immunization version, as an immunization registry takes it — the IG's
/// RXA/RXR/ORC[Immunization] tables reversed, and the US CDC immunization guide's OBX for what R4 keeps in the
/// Immunization (the reverse of the inbound <c>ImmunizationObservations</c>): MSH, PID, ORC (RE), RXA, RXR, then OBX for
/// the program eligibility (64994-7), the funding source (30963-3) and each VIS given (69764-9, 29768-9, 29769-7).
/// </summary>
internal static class VxuMessage
{
    public static Er7Message Build(Er7Message m, Immunization immunization, long version, Patient patient, Organization? manufacturer, string serverAuthority)
    {
        PidSegment.Write(m, patient, serverAuthority);

        m.Set("ORC-1", "RE");
        V2Fields.FillerNumber(m, "ORC-3", immunization.Identifier, immunization.Id, serverAuthority);

        m.Set("RXA-1", "0");
        m.Set("RXA-2", "1");
        m.Set("RXA-3", immunization.Occurrence is FhirDateTime given ? V2Fields.Dtm(given.Value) : null);
        V2Fields.Cwe(m, "RXA-5", immunization.VaccineCode);
        if (immunization.DoseQuantity is { Value: { } dose } quantity)
        {
            m.Set("RXA-6", dose.ToString(CultureInfo.InvariantCulture));
            m.Set("RXA-7-1", quantity.Code ?? quantity.Unit);
            m.Set("RXA-7-2", quantity.Unit ?? quantity.Code);
            m.Set("RXA-7-3", V2Fields.CodingSystem(quantity.System));
        }
        else m.Set("RXA-6", "999");                                                               // amount unknown
        if (immunization.PrimarySource is { } primary)                                            // RXA-9 (NIP001)
            V2Fields.TableCode(m, "RXA-9", primary ? "00" : "01", "NIP001", primary ? "New Record" : "Historical Administration");
        m.Set("RXA-15", immunization.LotNumber);
        m.Set("RXA-16", V2Fields.Dtm(immunization.ExpirationDate));
        if (manufacturer?.Identifier.FirstOrDefault(i => i.System == "http://terminology.hl7.org/CodeSystem/MVX") is { } mvx)
            V2Fields.Cwe(m, "RXA-17", new Coding("http://terminology.hl7.org/CodeSystem/MVX", mvx.Value, manufacturer.Name));
        V2Fields.Cwe(m, "RXA-18", immunization.StatusReason);
        var (completion, action) = immunization.Status switch
        {
            Immunization.ImmunizationStatusCodes.NotDone => (immunization.StatusReason is null ? "NA" : "RE", version > 1 ? "U" : "A"),
            Immunization.ImmunizationStatusCodes.EnteredInError => ("CP", "D"),
            _ => ("CP", version > 1 ? "U" : "A"),
        };
        m.Set("RXA-20", completion);                                                              // table 0322
        m.Set("RXA-21", action);                                                                  // table 0206

        V2Fields.Cwe(m, "RXR-1", immunization.Route);
        V2Fields.Cwe(m, "RXR-2", immunization.Site);

        var obx = 0;
        void Obx(string type, string loinc, string name, int group, Action<string> value)
        {
            var at = $"OBX({++obx})";
            m.Set($"{at}-1", obx.ToString(CultureInfo.InvariantCulture));
            m.Set($"{at}-2", type);
            V2Fields.Cwe(m, $"{at}-3", new Coding("http://loinc.org", loinc, name));
            m.Set($"{at}-4", group.ToString(CultureInfo.InvariantCulture));                      // OBX-4 groups a VIS's parts
            value($"{at}-5");
            m.Set($"{at}-11", "F");
        }
        var subId = 0;
        foreach (var eligibility in immunization.ProgramEligibility)
            Obx("CE", "64994-7", "Vaccine funding program eligibility category", ++subId, at => V2Fields.Cwe(m, at, eligibility));
        if (immunization.FundingSource is { } funding)
            Obx("CE", "30963-3", "Vaccine funding source", ++subId, at => V2Fields.Cwe(m, at, funding));
        foreach (var statement in immunization.Education.Where(e => e.DocumentType is not null))
        {
            ++subId;
            Obx("CE", "69764-9", "Document type", subId, at => V2Fields.TableCode(m, at, statement.DocumentType, "cdcgs1vis", statement.DocumentType));
            if (statement.PublicationDate is { } published)
                Obx("DT", "29768-9", "Date vaccine information statement published", subId, at => m.Set(at, Date(published)));
            if (statement.PresentationDate is { } presented)
                Obx("DT", "29769-7", "Date vaccine information statement presented", subId, at => m.Set(at, Date(presented)));
        }
        return m;
    }

    /// <summary>A FHIR date or dateTime as a v2 DT: its date part, at the precision it has.</summary>
    private static string? Date(string fhir) => V2Fields.Dtm(fhir) is { Length: > 8 } dtm ? dtm[..8] : V2Fields.Dtm(fhir);
}
