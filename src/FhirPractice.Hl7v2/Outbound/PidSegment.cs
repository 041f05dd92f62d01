using FhirPractice.Hl7v2.Er7;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>PID from a Patient (the IG's PID[Patient] table, reversed), shared by ADT and SIU.</summary>
internal static class PidSegment
{
    public static void Write(Er7Message m, Patient patient, string serverAuthority)
    {
        m.Set("PID-1", "1");
        IdentifierList(m, "PID-3", patient, serverAuthority);

        var repetition = 1;
        foreach (var name in patient.Name) V2Fields.Xpn(m, $"PID-5({repetition++})", name);
        m.Set("PID-7", V2Fields.Dtm(patient.BirthDate));
        m.Set("PID-8", patient.Gender switch
        {
            AdministrativeGender.Male => "M",
            AdministrativeGender.Female => "F",
            AdministrativeGender.Other => "O",
            AdministrativeGender.Unknown => "U",
            _ => null,
        });
        repetition = 1;
        foreach (var address in patient.Address) V2Fields.Xad(m, $"PID-11({repetition++})", address);

        // PID-13 home (and any use but work), PID-14 business.
        var (home, work) = (1, 1);
        foreach (var contact in patient.Telecom.Where(c => !string.IsNullOrEmpty(c.Value)))
        {
            if (contact.Use == ContactPoint.ContactPointUse.Work) V2Fields.Xtn(m, $"PID-14({work++})", contact);
            else V2Fields.Xtn(m, $"PID-13({home++})", contact);
        }
        V2Fields.Cwe(m, "PID-15", (patient.Communication.FirstOrDefault(c => c.Preferred == true) ?? patient.Communication.FirstOrDefault())?.Language);
        V2Fields.Cwe(m, "PID-16", patient.MaritalStatus);
        switch (patient.Deceased)
        {
            case FhirDateTime at:
                m.Set("PID-29", V2Fields.Dtm(at.Value));
                m.Set("PID-30", "Y");
                break;
            case FhirBoolean { Value: { } deceased }:
                m.Set("PID-30", deceased ? "Y" : "N");
                break;
        }
    }

    /// <summary>A patient identifier list (PID-3, MRG-1): the patient's identifiers, then the server's own id.</summary>
    public static void IdentifierList(Er7Message m, string field, Patient patient, string serverAuthority)
    {
        var repetition = 1;
        foreach (var identifier in patient.Identifier.Where(i => !string.IsNullOrEmpty(i.Value)))
            V2Fields.Cx(m, $"{field}({repetition++})", identifier);
        // The server's own id last, so that a receiver can always name this patient back to us.
        m.Set($"{field}({repetition})-1", patient.Id);
        m.Set($"{field}({repetition})-4-1", serverAuthority);
        m.Set($"{field}({repetition})-5", "PI");
    }
}
