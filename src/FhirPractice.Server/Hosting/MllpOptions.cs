using System.Net;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Server.Hosting;

/// <summary>The MLLP listener's settings (<c>FhirPractice:Hl7v2:Mllp</c>).</summary>
public sealed class MllpOptions
{
    /// <summary>The TCP port; 0 (the default) leaves MLLP off.</summary>
    public int Port { get; set; }

    /// <summary>The address to bind: loopback by default, since MLLP has no authentication of its own.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>A PKCS#12 (.pfx) or PEM certificate with its private key; when set, every connection is MLLP over TLS.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public int MaxFrameBytes { get; set; } = MllpFraming.DefaultMaxFrameLength;

    public int IdleTimeoutSeconds { get; set; } = 300;

    public int MaxConnections { get; set; } = 1000;

    public MllpListenerOptions ToListenerOptions() => new()
    {
        Address = IPAddress.Parse(Address),
        Port = Port,
        MaxFrameLength = MaxFrameBytes,
        IdleTimeout = IdleTimeoutSeconds > 0 ? TimeSpan.FromSeconds(IdleTimeoutSeconds) : Timeout.InfiniteTimeSpan,
        MaxConnections = MaxConnections,
        ServerCertificate = CertificatePath is null ? null : LoadCertificate(CertificatePath, CertificatePassword),
    };

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string path, string? password) =>
        Path.GetExtension(path).Equals(".pem", StringComparison.OrdinalIgnoreCase)
            ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(path)
            : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, password);
}
