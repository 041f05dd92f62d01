using FhirPractice.Hl7v2.Er7;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>ADT^A08 (update patient information, structure ADT_A01) for one Patient version: MSH, EVN, PID, PV1.</summary>
internal static class AdtA08Message
{
    public static Er7Message Build(Er7Message header, Patient patient, DateTimeOffset recorded, string serverAuthority)
    {
        header.Set("EVN-1", "A08");
        header.Set("EVN-2", V2Fields.Dtm(recorded));
        PidSegment.Write(header, patient, serverAuthority);
        // PV1 is required by ADT_A01; a change of the person alone has no visit: patient class N, not applicable.
        header.Set("PV1-1", "1");
        header.Set("PV1-2", "N");
        return header;
    }
}
