using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace FhirPractice.Security.Authorization;

/// <summary>OpenIddict's application manager, with a client's keys fetched from its registered JWKS URL when it has no inline set.</summary>
public sealed class JwksUrlApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache, ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options, IOpenIddictApplicationStore<TApplication> store, JwksFetcher fetcher)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store) where TApplication : class
{
    public override async ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(TApplication application, CancellationToken cancellationToken = default)
    {
        if (await base.GetJsonWebKeySetAsync(application, cancellationToken) is { } inline) return inline;
        var properties = await GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(ClientDirectory.JwksUrlProperty, out var url) && url.ValueKind == JsonValueKind.String
            ? await fetcher.FetchAsync(url.GetString()!, cancellationToken)
            : null;
    }
}
