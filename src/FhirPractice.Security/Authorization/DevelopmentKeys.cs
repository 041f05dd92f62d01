using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// The signing and encryption certificates of the authorization server: generated at first run and kept in the
/// keys folder beside the database (never in the repository), so tokens survive a restart.
/// </summary>
public static class DevelopmentKeys
{
    public static string FolderBeside(string databasePath) => Path.ChangeExtension(Path.GetFullPath(databasePath), ".auth-keys");

    public static X509Certificate2 LoadOrCreate(string folder, string name, X509KeyUsageFlags usage)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, name + ".pfx");
        if (!File.Exists(file))
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest($"CN=FhirPractice {name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
            // Valid from well before now: a server whose clock is set back (a test's fake clock, a restored VM) still
            // takes its own development keys, which OpenIddict checks against the host's TimeProvider.
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-5), DateTimeOffset.UtcNow.AddYears(5));
            var temp = file + ".tmp";
            File.WriteAllBytes(temp, certificate.Export(X509ContentType.Pkcs12));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(temp, file, overwrite: false);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(file, password: null, X509KeyStorageFlags.EphemeralKeySet);
    }
}
