using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Duende.IdentityModel.Client;

namespace FhirPractice.Server.Tests.Security;

/// <summary>Refresh (never wider than the grant), revocation, and what the FHIR door does with a bad token; the smart-configuration document.</summary>
public class TokenLifecycleTests(SmartServerFactory server) : IClassFixture<SmartServerFactory>
{
    private async Task<JsonElement> PatientTokenAsync(string scopes)
    {
        var flow = new SmartFlow(server);
        var redirect = await flow.AuthorizeAsync(flow.Parameters(scopes), "pat", SmartServerFactory.PatientPassword, patientLogin: true);
        var (status, token, _) = await flow.RedeemAsync(SmartFlow.QueryValue(redirect, "code")!);
        Assert.Equal(HttpStatusCode.OK, status);
        return token;
    }

    private Task<TokenResponse> RefreshAsync(string refreshToken, string? scope) => server.CreateClient().RequestRefreshTokenAsync(new RefreshTokenRequest
    {
        Address = SmartFlow.TokenEndpoint, ClientId = "app", ClientCredentialStyle = ClientCredentialStyle.PostBody, RefreshToken = refreshToken, Scope = scope,
    });

    [Fact]
    public async Task A_refresh_keeps_the_launch_context_and_may_narrow_but_never_widen_the_scopes()
    {
        var token = await PatientTokenAsync("launch/patient offline_access patient/Observation.rs");
        var refreshToken = token.GetProperty("refresh_token").GetString()!;

        var escalation = await RefreshAsync(refreshToken, "launch/patient offline_access patient/Observation.rs patient/*.cruds");
        Assert.Equal(HttpStatusCode.BadRequest, escalation.HttpStatusCode);
        // OpenIddict answers a scope beyond the grant as invalid_grant, naming the scope parameter.
        Assert.Equal("invalid_grant", BackendTokens.Error(escalation));
        Assert.Contains("scope", BackendTokens.Description(escalation));

        var narrower = await RefreshAsync(refreshToken, "launch/patient offline_access");
        Assert.False(narrower.IsError, narrower.Raw);
        Assert.Equal("launch/patient offline_access", narrower.Scope);
        Assert.Equal("pat-1", narrower.Json!.Value.GetProperty("patient").GetString());
        Assert.Equal("no-store", narrower.HttpResponse!.Headers.CacheControl!.ToString());
    }

    [Fact]
    public async Task The_FHIR_door_answers_401_with_an_OperationOutcome_to_a_bad_token_and_lets_a_tokenless_request_through()
    {
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        var bad = await client.GetAsync("/fhir/metadata");
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Contains("invalid_token", bad.Headers.WwwAuthenticate.ToString());
        Assert.Equal("OperationOutcome", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("resourceType").GetString());
        // Refused at the FHIR door like any other refusal there: in the format asked for, the staff endpoints alike.
        using var xml = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient?name=x") { Headers = { { "Accept", "application/fhir+xml" } } };
        var badXml = await client.SendAsync(xml);
        Assert.Equal(HttpStatusCode.Unauthorized, badXml.StatusCode);
        Assert.Contains("<OperationOutcome xmlns=\"http://hl7.org/fhir\"", await badXml.Content.ReadAsStringAsync());
        var staff = await client.GetAsync("/fhir/$hl7v2-messages");
        Assert.Equal(HttpStatusCode.Unauthorized, staff.StatusCode);
        Assert.Contains("invalid_token", staff.Headers.WwwAuthenticate.ToString());

        var anonymous = await server.CreateClient().GetAsync("/fhir/metadata");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);

        var token = await PatientTokenAsync("launch/patient patient/*.rs");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/fhir/metadata")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_access_token_is_refused_at_the_FHIR_door()
    {
        // Token entry validation is on (ADR 0009): the stored token's status is checked on every request.
        var token = await PatientTokenAsync("launch/patient patient/*.rs");
        var accessToken = token.GetProperty("access_token").GetString()!;
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/fhir/metadata")).StatusCode);

        var revocation = await server.CreateClient().RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "http://localhost/auth/revoke", ClientId = "app", ClientCredentialStyle = ClientCredentialStyle.PostBody, Token = accessToken,
        });
        Assert.False(revocation.IsError, revocation.Raw);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/fhir/metadata")).StatusCode);
    }

    [Fact]
    public async Task The_smart_configuration_names_the_endpoints_and_capabilities()
    {
        var response = await server.CreateClient().GetAsync("/fhir/.well-known/smart-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("http://localhost/auth/authorize", config.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://localhost/auth/token", config.GetProperty("token_endpoint").GetString());
        Assert.Equal(["S256"], config.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()).ToArray());
        var capabilities = config.GetProperty("capabilities").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains("launch-standalone", capabilities);
        Assert.Contains("permission-v2", capabilities);
        foreach (var field in new[] { "issuer", "jwks_uri", "grant_types_supported", "token_endpoint_auth_methods_supported", "scopes_supported",
                     "response_types_supported", "introspection_endpoint", "revocation_endpoint", "token_endpoint_auth_signing_alg_values_supported" })
            Assert.True(config.TryGetProperty(field, out _), field);
        // The keys it names are served.
        Assert.Equal(HttpStatusCode.OK, (await server.CreateClient().GetAsync(config.GetProperty("jwks_uri").GetString())).StatusCode);
    }
}
