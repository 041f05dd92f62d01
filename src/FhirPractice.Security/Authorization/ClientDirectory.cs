using FhirPractice.Security.SmartScopes;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FhirPractice.Security.Authorization;

/// <summary>SMART clients as OpenIddict applications: registration (configuration, admin API) and the SMART settings kept with them.</summary>
public sealed class ClientDirectory(IOpenIddictApplicationManager applications)
{
    /// <summary>Application properties holding what OpenIddict has no field for.</summary>
    public const string ScopesProperty = "smart_scopes", JwksUrlProperty = "jwks_uri";

    public static string? Validate(string clientId, ClientRegistration client)
    {
        if (string.IsNullOrWhiteSpace(clientId) || clientId.Length > 100) return "a client id of 1 to 100 characters is required";
        if (client.Kind != ClientKind.Backend && client.RedirectUris.Count == 0) return "an app needs at least one redirect URI";
        foreach (var uri in client.RedirectUris)
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Fragment.Length > 0) return $"redirect URI '{uri}' is not an absolute URI without fragment";
        if (client.Kind == ClientKind.Confidential && string.IsNullOrEmpty(client.Secret)) return "a confidential app needs a secret";
        if (client.Kind == ClientKind.Backend && client.Jwks is null && client.JwksUrl is null) return "a backend service needs its keys: Jwks or JwksUrl";
        if (client.JwksUrl is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var jwksUri) || jwksUri.Scheme is not ("https" or "http")))
            return "JwksUrl must be an absolute http(s) URL";
        if (client.Jwks is { } jwks)
        {
            try { _ = new JsonWebKeySet(jwks); }
            catch (Exception e) when (e is ArgumentException or JsonException) { return "Jwks is not a JSON Web Key Set"; }
        }
        foreach (var scope in client.Scopes)
            if (SmartScope.Parse(scope) is null && !ScopePolicy.NonClinical.Contains(scope)) return $"scope '{scope}' is not a SMART scope";
        return null;
    }

    public async Task SaveAsync(string clientId, ClientRegistration client, CancellationToken ct)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = client.DisplayName ?? clientId,
            ClientType = client.Kind == ClientKind.Public ? ClientTypes.Public : ClientTypes.Confidential,
            ClientSecret = client.Kind == ClientKind.Confidential ? client.Secret : null,
            JsonWebKeySet = client.Jwks is null ? null : new JsonWebKeySet(client.Jwks),
        };
        descriptor.Permissions.UnionWith(client.Kind == ClientKind.Backend
            ? [Permissions.Endpoints.Token, Permissions.Endpoints.Introspection, Permissions.Endpoints.Revocation, Permissions.GrantTypes.ClientCredentials]
            : [Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
               Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code]);
        if (client.Kind == ClientKind.Confidential) descriptor.Permissions.Add(Permissions.Endpoints.Introspection);
        descriptor.Requirements.Add(Requirements.Features.ProofKeyForCodeExchange);
        foreach (var uri in client.RedirectUris) descriptor.RedirectUris.Add(new Uri(uri));
        descriptor.Properties[ScopesProperty] = JsonSerializer.SerializeToElement(client.Scopes);
        if (client.JwksUrl is not null) descriptor.Properties[JwksUrlProperty] = JsonSerializer.SerializeToElement(client.JwksUrl);

        var existing = await applications.FindByClientIdAsync(clientId, ct);
        if (existing is null) await applications.CreateAsync(descriptor, ct);
        else await applications.UpdateAsync(existing, descriptor, ct);
    }

    /// <summary>The scopes the client was registered with.</summary>
    public async Task<IReadOnlyCollection<string>> RegisteredScopesAsync(string clientId, CancellationToken ct)
    {
        var application = await applications.FindByClientIdAsync(clientId, ct);
        if (application is null) return [];
        var properties = await applications.GetPropertiesAsync(application, ct);
        return properties.TryGetValue(ScopesProperty, out var scopes) ? scopes.Deserialize<string[]>() ?? [] : [];
    }
}
