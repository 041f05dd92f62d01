using System.Security.Cryptography;
using System.Text.Json;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace FhirPractice.Server.Tests.Security;

/// <summary>
/// A server with SMART clients and users registered through configuration: a public app, a confidential app, backend
/// services with an RS384 and an ES384 key (inline JWKS), an admin service, a practitioner who may choose a patient
/// and a patient account linked to Patient/pat-1.
/// </summary>
public class SmartServerFactory : FhirServerFactory
{
    public const string AppRedirect = "https://app.example/callback";
    public const string PatientPassword = "patient-password-1", DoctorPassword = "doctor-password-1", AppSecret = "app-secret-value";
    public RSA BackendRsa { get; } = RSA.Create(2048);
    public ECDsa BackendEc { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public RsaSecurityKey RsaKey => new(BackendRsa) { KeyId = "rsa-1" };
    public ECDsaSecurityKey EcKey => new(BackendEc) { KeyId = "ec-1" };

    protected virtual IEnumerable<KeyValuePair<string, string?>> MoreSettings() => [];

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        static string Jwks(params SecurityKey[] keys) => JsonSerializer.Serialize(new
        {
            keys = keys.Select(k => JsonWebKeyConverter.ConvertFromSecurityKey(k)).Select(j => j.Kty == "RSA"
                ? (object)new { kty = j.Kty, kid = j.Kid, n = j.N, e = j.E, alg = "RS384", use = "sig" }
                : new { kty = j.Kty, kid = j.Kid, crv = j.Crv, x = j.X, y = j.Y, alg = "ES384", use = "sig" }),
        });
        var settings = new Dictionary<string, string?>
        {
            ["FhirPractice:Security:RequireHttps"] = "false",
            ["FhirPractice:Security:Clients:app:Kind"] = "Public",
            ["FhirPractice:Security:Clients:app:RedirectUris:0"] = AppRedirect,
            ["FhirPractice:Security:Clients:confidential:Kind"] = "Confidential",
            ["FhirPractice:Security:Clients:confidential:Secret"] = AppSecret,
            ["FhirPractice:Security:Clients:confidential:RedirectUris:0"] = AppRedirect,
            ["FhirPractice:Security:Clients:rsa-backend:Kind"] = "Backend",
            ["FhirPractice:Security:Clients:rsa-backend:Jwks"] = Jwks(RsaKey),
            ["FhirPractice:Security:Clients:ec-backend:Kind"] = "Backend",
            ["FhirPractice:Security:Clients:ec-backend:Jwks"] = Jwks(EcKey),
            ["FhirPractice:Security:Clients:admin-backend:Kind"] = "Backend",
            ["FhirPractice:Security:Clients:admin-backend:Jwks"] = Jwks(RsaKey),
            ["FhirPractice:Security:Clients:admin-backend:Scopes:0"] = "fhirpractice/admin",
            ["FhirPractice:Security:Users:doctor:Role"] = "Practitioner",
            ["FhirPractice:Security:Users:doctor:Password"] = DoctorPassword,
            ["FhirPractice:Security:Users:doctor:FhirUser"] = "Practitioner/doc-1",
            ["FhirPractice:Security:Users:pat:Role"] = "Patient",
            ["FhirPractice:Security:Users:pat:Password"] = PatientPassword,
            ["FhirPractice:Security:Users:pat:FhirUser"] = "Patient/pat-1",
        };
        string[] appScopes = ["openid", "fhirUser", "launch", "launch/patient", "offline_access", "patient/*.rs", "user/*.rs"];
        for (var i = 0; i < appScopes.Length; i++)
        {
            settings[$"FhirPractice:Security:Clients:app:Scopes:{i}"] = appScopes[i];
            settings[$"FhirPractice:Security:Clients:confidential:Scopes:{i}"] = appScopes[i];
        }
        settings["FhirPractice:Security:Clients:rsa-backend:Scopes:0"] = "system/*.rs";
        settings["FhirPractice:Security:Clients:ec-backend:Scopes:0"] = "system/Patient.rs";
        return settings.Concat(MoreSettings());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        BackendRsa.Dispose();
        BackendEc.Dispose();
    }
}
