namespace FhirPractice.Fhir.Rest;

/// <summary>
/// Who is asking, as the door authenticated them. Every door fills it (HTTP from the access token, the
/// HL7 v2 bridge and background jobs as internal callers); the engine authorises and audits by it.
/// </summary>
public sealed record FhirCaller
{
    /// <summary>No credentials were presented.</summary>
    public static readonly FhirCaller Anonymous = new() { Door = "http" };

    /// <summary>A part of the product acting on its own behalf (the HL7 v2 bridge, a job), named by its door.</summary>
    public static FhirCaller Internal(string door) => new() { Door = door, IsInternal = true };

    /// <summary>The door the request came through: "http", "mllp", "job", "cli".</summary>
    public required string Door { get; init; }
    public bool IsInternal { get; init; }
    public bool IsAuthenticated => IsInternal || ClientId is not null || Subject is not null;
    /// <summary>The OAuth client the token was issued to.</summary>
    public string? ClientId { get; init; }
    /// <summary>The token's subject (a user account or, for backend services, the client).</summary>
    public string? Subject { get; init; }
    /// <summary>The SMART fhirUser: a relative reference such as "Practitioner/12" or "Patient/7".</summary>
    public string? FhirUser { get; init; }
    /// <summary>The launch context patient id: a token with one is confined to that Patient's compartment.</summary>
    public string? Patient { get; init; }
    public string? Encounter { get; init; }
    /// <summary>The granted scopes, one per item ("patient/Observation.rs?category=laboratory", "openid").</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];
    /// <summary>The network address of the peer, for the audit trail.</summary>
    public string? RemoteAddress { get; init; }
    /// <summary>
    /// For an internal door acting on another system's message (the HL7 v2 bridge): that system, as
    /// <c>application|facility</c> (the MSH-3 and MSH-4 namespaces), so that what it caused is not sent back to it.
    /// </summary>
    public string? Origin { get; init; }
}
