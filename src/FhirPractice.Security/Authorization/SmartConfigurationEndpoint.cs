using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// <c>[base]/.well-known/smart-configuration</c> (SMART App Launch 2.2 §2.1): every required and recommended field,
/// with the capabilities this server really has; and the style document <c>smart_style_url</c> points at.
/// </summary>
public static class SmartConfigurationEndpoint
{
    public static readonly string[] Capabilities =
    [
        "launch-ehr", "launch-standalone", "authorize-post",
        "client-public", "client-confidential-symmetric", "client-confidential-asymmetric",
        "sso-openid-connect",
        "context-passthrough-banner", "context-passthrough-style",
        "context-ehr-patient", "context-ehr-encounter", "context-standalone-patient",
        "permission-offline", "permission-online", "permission-patient", "permission-user", "permission-v1", "permission-v2",
    ];

    public static void MapSmartConfiguration(this IEndpointRouteBuilder app, string fhirBasePath)
    {
        app.MapGet("/" + fhirBasePath.Trim('/') + "/.well-known/smart-configuration", (HttpContext http, ServerUrls urls) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = urls.Origin(http) + "/",
                ["jwks_uri"] = urls.Endpoint(http, "jwks"),
                ["authorization_endpoint"] = urls.Endpoint(http, "authorize"),
                ["token_endpoint"] = urls.Endpoint(http, "token"),
                ["introspection_endpoint"] = urls.Endpoint(http, "introspect"),
                ["revocation_endpoint"] = urls.Endpoint(http, "revoke"),
                ["management_endpoint"] = urls.Endpoint(http, "admin/clients"),
                ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "client_credentials" },
                ["response_types_supported"] = new[] { "code" },
                ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "private_key_jwt" },
                ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
                ["code_challenge_methods_supported"] = new[] { "S256" },
                ["scopes_supported"] = new[]
                {
                    "openid", "fhirUser", "launch", "launch/patient", "launch/encounter", "offline_access", "online_access",
                    "patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds",
                    "patient/*.read", "user/*.read", "system/*.read",
                },
                ["capabilities"] = Capabilities,
            });
        });
        app.MapGet(ServerUrls.AuthPath + "/smart-style.json", () => Results.Json(new Dictionary<string, object>
        {
            // SMART styling (App Launch 2.2 §2.0.10): the practice's colours, for apps that blend in.
            ["color_background"] = "#f6f7f9",
            ["color_error"] = "#9e2d2d",
            ["color_highlight"] = "#2563eb",
            ["color_modal_backdrop"] = "",
            ["color_success"] = "#2e7d32",
            ["color_text"] = "#1f2937",
            ["dim_border_radius"] = "6px",
            ["dim_font_size"] = "14px",
            ["dim_spacing_size"] = "16px",
            ["font_family_body"] = "system-ui, sans-serif",
            ["font_family_heading"] = "system-ui, sans-serif",
        }));
    }
}
