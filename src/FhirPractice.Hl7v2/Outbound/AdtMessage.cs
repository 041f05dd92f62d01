using FhirPractice.Hl7v2.Er7;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// An ADT message about one Patient version (<see cref="PatientEvents"/> picks the trigger): MSH, EVN, PID, PV1 — the
/// segments ADT_A01, ADT_A05 and ADT_A21 all require — and for a merge (A40, ADT_A39) the MRG of the patient merged
/// into the PID's.
/// </summary>
internal static class AdtMessage
{
    public static Er7Message Build(Er7Message header, string trigger, Patient patient, DateTimeOffset recorded, string serverAuthority, Patient? merged = null)
    {
        header.Set("EVN-1", trigger);
        header.Set("EVN-2", V2Fields.Dtm(recorded));
        PidSegment.Write(header, patient, serverAuthority);
        if (merged is not null)
        {
            PidSegment.IdentifierList(header, "MRG-1", merged, serverAuthority);                  // MRG-1 prior patient identifier list
            if (merged.Name.FirstOrDefault() is { } name) V2Fields.Xpn(header, "MRG-7", name);     // MRG-7 prior patient name
        }
        // PV1 is required; a change of the person alone has no visit: patient class N, not applicable.
        header.Set("PV1-1", "1");
        header.Set("PV1-2", "N");
        return header;
    }
}
