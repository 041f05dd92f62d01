using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

public enum SecurityEventKind { Login, Logout, TokenIssued, TokenRefused, TokenRevoked }

/// <summary>
/// Something the authorization server reports to the audit trail (<see cref="IAuditTrail.RecordAsync"/>): a login or
/// logout of a practice user or patient, a token issued (authorization code, refresh, client credentials), refused or
/// revoked.
/// </summary>
/// <param name="Caller">Who: the client id, the subject and fhirUser once known, the network address.</param>
/// <param name="Description">Why it failed, or what was granted (scopes; never a token or a password).</param>
/// <param name="Patient">The launch context patient, when there is one.</param>
public sealed record SecurityEvent(SecurityEventKind Kind, bool Succeeded, FhirCaller Caller, string? Description = null, string? Patient = null)
{
    /// <summary>AuditEvent.subtype: DICOM Login/Logout, else this server's token codes.</summary>
    public static Coding Subtype(SecurityEventKind kind) => kind switch
    {
        SecurityEventKind.Login => new(BalpCodes.Dicom, "110122", "Login"),
        SecurityEventKind.Logout => new(BalpCodes.Dicom, "110123", "Logout"),
        SecurityEventKind.TokenIssued => new(BalpCodes.SecurityEventSystem, "token-issued", "Token issued"),
        SecurityEventKind.TokenRefused => new(BalpCodes.SecurityEventSystem, "token-refused", "Token refused"),
        _ => new(BalpCodes.SecurityEventSystem, "token-revoked", "Token revoked"),
    };
}
