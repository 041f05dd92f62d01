namespace FhirPractice.Security.Enforcement;

/// <summary>The <c>FhirPractice:Security</c> settings of enforcement.</summary>
public sealed class SmartEnforcementOptions
{
    /// <summary>
    /// Local development only: requests without a token are served as if fully authorised. The server refuses to start
    /// with it when bound to anything but a loopback address. Requests with a token are still held to its scopes.
    /// </summary>
    public bool OpenMode { get; set; }
}
