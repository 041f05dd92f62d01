using System.Net;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;

namespace FhirPractice.Server.Tests.Security;

/// <summary>SMART Backend Services: client_credentials with private_key_jwt (RS384, ES384), introspection, and the assertion rules.</summary>
public class BackendServicesTests(SmartServerFactory server) : IClassFixture<SmartServerFactory>
{
    [Theory]
    [InlineData("rsa-backend", "RS384", "system/*.rs")]
    [InlineData("ec-backend", "ES384", "system/Patient.rs")]
    public async Task A_backend_service_gets_a_token_with_its_key_and_introspects_it(string clientId, string algorithm, string scope)
    {
        var key = algorithm == "RS384" ? (Microsoft.IdentityModel.Tokens.SecurityKey)server.RsaKey : server.EcKey;
        var token = await BackendTokens.RequestResponseAsync(server, clientId, SmartFlow.Assertion(clientId, key, algorithm), scope + " system/Observation.cruds");
        Assert.False(token.IsError, $"{token.Error}: {token.ErrorDescription}");
        // Only what the registration allows is granted.
        Assert.Equal(scope, token.Scope);
        Assert.Equal("no-store", token.HttpResponse!.Headers.CacheControl!.ToString());

        var introspection = await server.CreateClient().IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = "http://localhost/auth/introspect",
            ClientId = clientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            ClientAssertion = new ClientAssertion { Type = OidcConstants.ClientAssertionTypes.JwtBearer, Value = SmartFlow.Assertion(clientId, key, algorithm) },
            Token = token.AccessToken!,
        });
        Assert.False(introspection.IsError, introspection.Error);
        Assert.True(introspection.IsActive);
        Assert.Equal(clientId, introspection.Claims.First(c => c.Type == "client_id").Value);
        Assert.True(introspection.Claims.Any(c => c.Type == "scope" && c.Value == scope), introspection.Raw);
        Assert.Contains(introspection.Claims, c => c.Type == "exp");
    }

    [Fact]
    public async Task Issuing_and_refusing_tokens_leave_AuditEvents_naming_the_client_and_the_grant()
    {
        var assertion = SmartFlow.Assertion("rsa-backend", server.RsaKey, "RS384");
        Assert.False((await WithAssertionAsync(assertion)).IsError);
        Assert.True((await WithAssertionAsync(assertion)).IsError); // the replayed jti

        var events = await Audit.AuditLog.AllAsync(server.Services, "AuditEvent");
        string? Code(System.Text.Json.Nodes.JsonNode e) => (string?)e["subtype"]?[0]?["code"];
        var issued = events.Where(e => Code(e) == "token-issued").ToList();
        var refused = events.Where(e => Code(e) == "token-refused").ToList();
        Assert.Contains(issued, e => e.ToJsonString().Contains("rsa-backend") && e.ToJsonString().Contains("client_credentials system/*.rs")
            && (string?)e["outcome"] == "0");
        Assert.Contains(refused, e => e.ToJsonString().Contains("rsa-backend") && (string?)e["outcome"] != "0");
        // Never the token or the assertion itself.
        Assert.DoesNotContain(events, e => e.ToJsonString().Contains(assertion));
    }

    private async Task<TokenResponse> WithAssertionAsync(string assertion) =>
        await BackendTokens.RequestResponseAsync(server, "rsa-backend", assertion, "system/*.rs");

    [Fact]
    public async Task An_assertion_for_another_audience_is_refused()
    {
        var response = await WithAssertionAsync(SmartFlow.Assertion("rsa-backend", server.RsaKey, "RS384", audience: "https://other.example/token"));
        // OpenIddict refuses it while validating the assertion, as an invalid token naming the audience.
        Assert.Equal(HttpStatusCode.BadRequest, response.HttpStatusCode);
        Assert.Equal("invalid_token", BackendTokens.Error(response));
        Assert.Contains("audience", BackendTokens.Description(response));
    }

    [Fact]
    public async Task A_replayed_jti_is_refused()
    {
        var assertion = SmartFlow.Assertion("rsa-backend", server.RsaKey, "RS384");
        Assert.False((await WithAssertionAsync(assertion)).IsError);
        var replay = await WithAssertionAsync(assertion);
        Assert.Equal("invalid_client", BackendTokens.Error(replay));
        Assert.Contains("jti", BackendTokens.Description(replay));
    }

    [Fact]
    public async Task An_expired_assertion_is_refused()
    {
        var response = await WithAssertionAsync(SmartFlow.Assertion("rsa-backend", server.RsaKey, "RS384",
            issuedAt: DateTime.UtcNow.AddMinutes(-20), expiresIn: TimeSpan.FromMinutes(5)));
        Assert.Equal("invalid_client", BackendTokens.Error(response));
    }

    [Fact]
    public async Task An_assertion_valid_for_more_than_five_minutes_is_refused()
    {
        var response = await WithAssertionAsync(SmartFlow.Assertion("rsa-backend", server.RsaKey, "RS384", expiresIn: TimeSpan.FromMinutes(30)));
        Assert.Equal("invalid_client", BackendTokens.Error(response));
        Assert.Contains("exp", BackendTokens.Description(response));
    }

    [Fact]
    public async Task An_assertion_signed_with_another_key_and_an_unknown_client_are_refused()
    {
        using var other = System.Security.Cryptography.RSA.Create(2048);
        var wrongKey = await WithAssertionAsync(SmartFlow.Assertion("rsa-backend", new Microsoft.IdentityModel.Tokens.RsaSecurityKey(other) { KeyId = "rsa-1" }, "RS384"));
        Assert.Equal("invalid_client", BackendTokens.Error(wrongKey));
        var unknown = await BackendTokens.RequestResponseAsync(server, "nobody", SmartFlow.Assertion("nobody", server.RsaKey, "RS384"), "system/*.rs");
        Assert.Equal("invalid_client", BackendTokens.Error(unknown));
    }
}
