using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FhirPractice.Security.Authorization;

/// <summary>The SMART authorization server (OpenIddict) and the token validation of the FHIR API.</summary>
public static class SmartAuthorizationServices
{
    public static IServiceCollection AddSmartAuthorization(this IServiceCollection services, SmartAuthorizationOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ServerUrls>();
        services.AddSingleton<JwksFetcher>();
        services.AddMemoryCache();
        services.AddScoped<ClientDirectory>();
        services.AddScoped<UserDirectory>();
        services.AddSingleton<SignInLockout>();
        services.AddHostedService<RegistrationSeeder>();
        services.TryAddTimeProvider();

        var authDatabase = Path.ChangeExtension(Path.GetFullPath(options.DatabasePath), ".auth.db");
        Directory.CreateDirectory(Path.GetDirectoryName(authDatabase)!);
        services.AddDbContext<AuthDbContext>(db => db.UseSqlite($"Data Source={authDatabase}").UseOpenIddict());

        var keys = DevelopmentKeys.FolderBeside(options.DatabasePath);
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(keys, "data-protection")));
        services.AddAntiforgery();

        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<AuthDbContext>();
                core.ReplaceApplicationManager(typeof(JwksUrlApplicationManager<>));
            })
            .AddServer(server =>
            {
                // The same paths the CapabilityStatement advertises (SmartEndpointPaths).
                server.SetAuthorizationEndpointUris(SmartEndpointPaths.Authorize[1..]).SetTokenEndpointUris(SmartEndpointPaths.Token[1..])
                    .SetIntrospectionEndpointUris(SmartEndpointPaths.Introspect[1..]).SetRevocationEndpointUris(SmartEndpointPaths.Revoke[1..])
                    .SetJsonWebKeySetEndpointUris("auth/jwks");
                server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
                // PKCE on every code, and S256 only: "plain" is refused (SMART App Launch 2.2).
                server.RequireProofKeyForCodeExchange();
                server.Configure(o =>
                {
                    o.CodeChallengeMethods.Clear();
                    o.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
                });
                // SMART scopes are a grammar, not a list: ScopePolicy checks them against each client's registration.
                server.DisableScopeValidation().IgnoreScopePermissions();
                server.SetAccessTokenLifetime(options.AccessTokenLifetime).SetRefreshTokenLifetime(options.RefreshTokenLifetime);
                // Signed JWT access tokens (RFC 9068): they carry nothing the client does not already know.
                server.DisableAccessTokenEncryption();
                server.AddSigningCertificate(DevelopmentKeys.LoadOrCreate(keys, "signing", X509KeyUsageFlags.DigitalSignature));
                server.AddEncryptionCertificate(DevelopmentKeys.LoadOrCreate(keys, "encryption", X509KeyUsageFlags.KeyEncipherment));
                server.AddEventHandler(ClientAssertionPolicy.Descriptor);
                server.AddEventHandler(SmartIntrospectionClaims.Descriptor);
                server.AddEventHandler(RefusedTokenAudit.Descriptor);
                foreach (var handler in PlainJwtClientAssertions.Descriptors) server.AddEventHandler(handler);
                var aspNetCore = server.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough();
                if (!options.RequireHttps) aspNetCore.DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.UseAspNetCore();
                // Every access token is checked against its stored entry and its authorization (revocation applies).
                // Token entry validation on is also what keeps GHSA-cxgj-hwwh-855g (7.8.0) from applying: see ADR 0009.
                validation.EnableTokenEntryValidation();
                validation.EnableAuthorizationEntryValidation();
            });

        services.AddAuthentication()
            .AddCookie(LoginPages.Scheme, cookie =>
            {
                cookie.LoginPath = LoginPages.LoginPath;
                cookie.Cookie.Name = "FhirPractice.Login";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = options.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            });
        services.AddAuthorization(authorization =>
        {
            authorization.AddPolicy(AdminEndpoints.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme, LoginPages.Scheme)
                .RequireAssertion(c => c.User.HasScope(ScopePolicy.AdminScope) || c.User.IsInRole(nameof(UserRole.Admin))));
            authorization.AddPolicy(AdminEndpoints.LaunchPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme, LoginPages.Scheme)
                .RequireAssertion(c => c.User.HasScope(ScopePolicy.AdminScope)
                    || c.User.IsInRole(nameof(UserRole.Admin)) || c.User.IsInRole(nameof(UserRole.Practitioner))));
        });
        return services;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(s => s.ServiceType == typeof(TimeProvider))) services.AddSingleton(TimeProvider.System);
    }

    public static WebApplication MapSmartAuthorization(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SmartAuthorizationOptions>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<BearerTokenGuard>();
        app.MapMethods(ServerUrls.AuthPath + "/authorize", ["GET", "POST"], AuthorizeEndpoint.HandleAsync).DisableAntiforgery();
        app.MapPost(ServerUrls.AuthPath + "/token", TokenEndpoint.HandleAsync).DisableAntiforgery();
        app.MapSmartConfiguration(options.FhirBasePath);
        app.MapLoginPages();
        app.MapAdminEndpoints();
        return app;
    }
}
