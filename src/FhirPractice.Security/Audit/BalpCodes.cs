using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>
/// The codes the IHE Basic Audit Log Patterns (BALP 1.1) profiles fix for a RESTful interaction's AuditEvent, in one
/// place so the builder and the tests that check conformance use the same ones.
/// </summary>
public static class BalpCodes
{
    public const string ProfileBase = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.";
    public const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";

    /// <summary>AuditEvent.type of every RESTful interaction: audit-event-type#rest.</summary>
    public static Coding Rest => new("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "Restful Operation");

    /// <summary>agent:client — the DICOM/IHE pattern names the client the Source Role ID, even where data flows to it.</summary>
    public static Coding SourceRole => new(Dicom, "110153", "Source Role ID");

    /// <summary>agent:server — this server, the Destination Role ID.</summary>
    public static Coding DestinationRole => new(Dicom, "110152", "Destination Role ID");

    /// <summary>agent:user — the person the client acts for.</summary>
    public static Coding UserRole => new("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient");

    /// <summary>source.type: this server is an application server.</summary>
    public static Coding ApplicationServer => new("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server");

    public static Coding SystemObject => new("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
    public static Coding Person => new("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person");
    public static Coding DomainResourceRole => new("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource");
    public static Coding PatientRole => new("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient");
    /// <summary>entity:transaction — the request id (X-Request-Id) that ties the event to the client's and the server's logs.</summary>
    public static Coding RequestIdType => new("https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType", "XrequestId", "X-Request-Id");
    public static Coding QueryRole => new("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query");

    /// <summary>Security events (logins, tokens): DICOM User Authentication with Login/Logout, or our token codes.</summary>
    public static Coding UserAuthentication => new(Dicom, "110114", "User Authentication");
    public const string SecurityEventSystem = "http://fhirpractice.org/fhir/CodeSystem/security-event";

    /// <summary>A staff endpoint's request: DICOM Patient Record (the raw messages are records of patients), the route as subtype.</summary>
    public static Coding PatientRecord => new(Dicom, "110110", "Patient Record");
    public const string StaffEndpointSystem = "http://fhirpractice.org/fhir/CodeSystem/staff-endpoint";

    /// <summary>network.type: 2 IP address, 5 URI.</summary>
    public const AuditEvent.AuditEventAgentNetworkType IpAddress = AuditEvent.AuditEventAgentNetworkType.N2;
    public const AuditEvent.AuditEventAgentNetworkType Uri = AuditEvent.AuditEventAgentNetworkType.N5;

    /// <summary>Identifier systems of the agents that are not FHIR resources.</summary>
    public const string ClientSystem = "http://fhirpractice.org/fhir/sid/oauth-client";
    public const string SubjectSystem = "http://fhirpractice.org/fhir/sid/subject";
    public const string DoorSystem = "http://fhirpractice.org/fhir/sid/door";
    public const string ServerSystem = "http://fhirpractice.org/fhir/sid/server";

    /// <summary>The action a RESTful interaction is (BALP: C create, R read/vread, U update/patch, D delete, E search and the rest).</summary>
    public static AuditEvent.AuditEventAction Action(string interaction, string? writeMethod = null) => (writeMethod, interaction) switch
    {
        ("POST", _) or (null, "create") => AuditEvent.AuditEventAction.C,
        ("PUT" or "PATCH", _) or (null, "update" or "patch") => AuditEvent.AuditEventAction.U,
        ("DELETE", _) or (null, "delete") => AuditEvent.AuditEventAction.D,
        (null, "read" or "vread" or "capabilities" or "history-instance" or "history-type" or "history-system") => AuditEvent.AuditEventAction.R,
        _ => AuditEvent.AuditEventAction.E,
    };

    /// <summary>The BALP profile a successful interaction's AuditEvent meets, with or without the patient slice; null where BALP has none.</summary>
    public static string? Profile(string interaction, bool withPatient) => interaction switch
    {
        "create" => Named("Create", withPatient),
        "read" or "vread" => Named("Read", withPatient),
        "update" or "patch" => Named("Update", withPatient),
        "delete" => Named("Delete", withPatient),
        "search-type" or "search-system" => Named("Query", withPatient),
        _ => null,
    };

    private static string Named(string name, bool withPatient) => ProfileBase + (withPatient ? "Patient" : "") + name;
}
