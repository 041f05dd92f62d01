namespace FhirPractice.Security.Audit;

/// <summary>How the server names itself in its audit trail (configuration section FhirPractice:Audit).</summary>
public sealed class AuditOptions
{
    /// <summary>The server's name in agent:server and source.observer.</summary>
    public string ServerName { get; set; } = "FhirPractice";

    /// <summary>source.site: the practice or installation, when several servers report to one audit repository.</summary>
    public string? Site { get; set; }
}
