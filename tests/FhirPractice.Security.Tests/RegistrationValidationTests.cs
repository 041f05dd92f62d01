using FhirPractice.Security.Authorization;

namespace FhirPractice.Security.Tests;

public class RegistrationValidationTests
{
    [Fact]
    public void Clients_are_checked_before_they_are_registered()
    {
        Assert.Null(ClientDirectory.Validate("app", new ClientRegistration { RedirectUris = ["https://app.example/cb"], Scopes = ["openid", "patient/*.rs"] }));
        Assert.NotNull(ClientDirectory.Validate("app", new ClientRegistration()));
        Assert.NotNull(ClientDirectory.Validate("app", new ClientRegistration { RedirectUris = ["https://app.example/cb#frag"] }));
        Assert.NotNull(ClientDirectory.Validate("app", new ClientRegistration { RedirectUris = ["https://app.example/cb"], Scopes = ["everything"] }));
        Assert.NotNull(ClientDirectory.Validate("svc", new ClientRegistration { Kind = ClientKind.Backend }));
        Assert.NotNull(ClientDirectory.Validate("svc", new ClientRegistration { Kind = ClientKind.Backend, Jwks = "{not json" }));
        Assert.NotNull(ClientDirectory.Validate("svc", new ClientRegistration { Kind = ClientKind.Backend, JwksUrl = "file:///etc/passwd" }));
        Assert.NotNull(ClientDirectory.Validate("conf", new ClientRegistration { Kind = ClientKind.Confidential, RedirectUris = ["https://a.example/cb"] }));
    }

    [Fact]
    public void A_patient_account_must_be_linked_to_its_Patient()
    {
        Assert.Null(UserDirectory.Validate("pat", new UserRegistration { Role = UserRole.Patient, FhirUser = "Patient/1" }));
        Assert.NotNull(UserDirectory.Validate("pat", new UserRegistration { Role = UserRole.Patient }));
        Assert.NotNull(UserDirectory.Validate("pat", new UserRegistration { Role = UserRole.Patient, FhirUser = "Practitioner/1" }));
        Assert.NotNull(UserDirectory.Validate("doc", new UserRegistration { FhirUser = "Practitioner/../1" }));
    }
}
