namespace FhirPractice.Security.Authorization;

/// <summary>The authorization server's settings (<c>FhirPractice:Security</c>).</summary>
public sealed class SmartAuthorizationOptions
{
    /// <summary>The public URL of the server (scheme, host, port) when it differs from the request's: behind a proxy.</summary>
    public string? PublicUrl { get; set; }
    /// <summary>Refuse the authorization endpoints over plain HTTP and mark the login cookie Secure. Set false only for a loopback development server.</summary>
    public bool RequireHttps { get; set; } = true;
    /// <summary>Where the authorization server's own data lives: <c>&lt;db&gt;.auth.db</c> and the keys folder beside the FHIR file.</summary>
    public string DatabasePath { get; set; } = "./data/fhirpractice.db";
    /// <summary>The FHIR base path; tokens are issued for that URL only (<c>aud</c>).</summary>
    public string FhirBasePath { get; set; } = "/fhir";
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
    public TimeSpan LaunchContextLifetime { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Failed sign-ins in a row after which a user name is locked (<see cref="SignInLockout"/>).</summary>
    public int MaxFailedSignIns { get; set; } = 5;
    /// <summary>How long a user name stays locked after <see cref="MaxFailedSignIns"/> failures.</summary>
    public TimeSpan SignInLockout { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>The longest a client assertion may still be valid when presented (SMART Backend Services: five minutes).</summary>
    public TimeSpan MaxAssertionLifetime { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>JWKS URLs on loopback or private addresses are refused unless this is set (tests, a local EHR).</summary>
    public bool AllowPrivateJwksUrls { get; set; }
    public Dictionary<string, ClientRegistration> Clients { get; set; } = [];
    public Dictionary<string, UserRegistration> Users { get; set; } = [];
}

public enum ClientKind { Public, Confidential, Backend }

/// <summary>A SMART client as registered through configuration or the admin API.</summary>
public sealed class ClientRegistration
{
    public ClientKind Kind { get; set; } = ClientKind.Public;
    public string? DisplayName { get; set; }
    /// <summary>Confidential apps (client_secret_basic/post); backend services authenticate with a key instead.</summary>
    public string? Secret { get; set; }
    public List<string> RedirectUris { get; set; } = [];
    /// <summary>The scopes the client may be granted: clinical ones cover narrower requests (<c>patient/*.rs</c> covers <c>patient/Observation.rs?category=laboratory</c>).</summary>
    public List<string> Scopes { get; set; } = [];
    /// <summary>The client's public keys as a JWKS document (JSON), for <c>private_key_jwt</c>.</summary>
    public string? Jwks { get; set; }
    /// <summary>Where to fetch the client's JWKS instead.</summary>
    public string? JwksUrl { get; set; }
}

public enum UserRole { Patient, Practitioner, Admin }

/// <summary>A person who signs in on the login pages.</summary>
public sealed class UserRegistration
{
    public UserRole Role { get; set; } = UserRole.Practitioner;
    /// <summary>When absent, one is generated at first run and printed once to the console.</summary>
    public string? Password { get; set; }
    /// <summary>The SMART fhirUser, e.g. <c>Practitioner/12</c>; for a patient <c>Patient/{id}</c>.</summary>
    public string? FhirUser { get; set; }
    /// <summary>Whether the patient picker is offered to this user (practice users); a patient always gets their own.</summary>
    public bool CanChoosePatient { get; set; } = true;
}
