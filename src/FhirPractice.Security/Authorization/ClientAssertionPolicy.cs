using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// SMART Backend Services rules on a <c>private_key_jwt</c> client assertion, after OpenIddict has checked its
/// signature against the client's keys, its issuer and subject, its audience (our token endpoint URL only, see
/// <see cref="PlainJwtClientAssertions"/>) and that it has not expired: its <c>exp</c> is at most five minutes
/// ahead, and its <c>jti</c> is used once.
/// </summary>
public sealed class ClientAssertionPolicy(AuthDbContext db, SmartAuthorizationOptions options, TimeProvider clock)
    : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<ClientAssertionPolicy>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientAssertionAudience.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (context.ClientAssertionPrincipal is not { } assertion) return;
        var now = clock.GetUtcNow();
        if (assertion.GetExpirationDate() is not { } expires || expires > now + options.MaxAssertionLifetime)
        {
            context.Reject(Errors.InvalidClient, $"the client assertion's exp must be at most {options.MaxAssertionLifetime.TotalMinutes} minutes ahead");
            return;
        }
        var jti = assertion.GetClaim(Claims.JwtId);
        if (string.IsNullOrEmpty(jti))
        {
            context.Reject(Errors.InvalidClient, "the client assertion has no jti");
            return;
        }
        // The key (client, jti) is the table's primary key: of two concurrent uses, the second insert fails.
        await db.UsedAssertions.Where(a => a.ExpiresAt < now).ExecuteDeleteAsync(context.CancellationToken);
        db.UsedAssertions.Add(new UsedAssertion { ClientId = context.ClientId ?? "", Jti = jti, ExpiresAt = expires });
        try { await db.SaveChangesAsync(context.CancellationToken); }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            context.Reject(Errors.InvalidClient, "this client assertion (jti) was already used");
        }
    }
}
