using FhirPractice.Fhir.Rest;
using FhirPractice.Security.Audit;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Microsoft.AspNetCore;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// Records every refused token request in the audit trail — most are refused by OpenIddict itself (a replayed jti, a
/// reused code, a wrong verifier) before the token endpoint runs; tokens issued are recorded by <see cref="TokenEndpoint"/>.
/// </summary>
public sealed class RefusedTokenAudit(IAuditTrail audit) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseScopedHandler<RefusedTokenAudit>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Error is null) return;
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        await audit.RecordAsync(new SecurityEvent(SecurityEventKind.TokenRefused, false,
            FhirCaller.Anonymous with { ClientId = context.Request?.ClientId, RemoteAddress = http?.Connection.RemoteIpAddress?.ToString() },
            $"{context.Request?.GrantType}: {context.Error} {context.Response.ErrorDescription}".Trim()), http?.RequestAborted ?? default);
    }
}
