using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.Tokens;

namespace FhirPractice.Server.Tests.Security;

/// <summary>SMART Backend Services token requests through Duende.IdentityModel: client_credentials with a private_key_jwt assertion.</summary>
public static class BackendTokens
{
    public static Task<TokenResponse> RequestResponseAsync(SmartServerFactory server, string clientId, string assertion, string scope)
    {
        var http = server.CreateClient();
        return http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = SmartFlow.TokenEndpoint,
            ClientId = clientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            ClientAssertion = new ClientAssertion { Type = OidcConstants.ClientAssertionTypes.JwtBearer, Value = assertion },
            Scope = scope,
        });
    }

    /// <summary>The OAuth error of a refused request (Duende reports a 401 by its reason phrase; the body says which).</summary>
    public static string? Error(TokenResponse response) => response.Json?.TryGetProperty("error", out var e) == true ? e.GetString() : response.Error;

    public static string Description(TokenResponse response) =>
        response.Json?.TryGetProperty("error_description", out var d) == true ? d.GetString() ?? "" : response.ErrorDescription ?? "";

    public static async Task<string> RequestAsync(SmartServerFactory server, string clientId, SecurityKey key, string algorithm, string scope)
    {
        var response = await RequestResponseAsync(server, clientId, SmartFlow.Assertion(clientId, key, algorithm), scope);
        Assert.False(response.IsError, $"{response.Error}: {response.ErrorDescription}");
        return response.AccessToken!;
    }
}
