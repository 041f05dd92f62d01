using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FhirPractice.Security.Authorization;

/// <summary>The SMART fields of an introspection response (App Launch 2.2 §2.0.11): scope, and the launch context the token carries.</summary>
public sealed class SmartIntrospectionClaims : IOpenIddictServerHandler<HandleIntrospectionRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleIntrospectionRequestContext>()
            .UseSingletonHandler<SmartIntrospectionClaims>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(HandleIntrospectionRequestContext context)
    {
        if (context.GenericTokenPrincipal is not { } principal) return ValueTask.CompletedTask;
        context.Claims[Claims.Scope] = string.Join(' ', principal.GetScopes());
        foreach (var type in new[] { SmartClaims.Patient, SmartClaims.Encounter, SmartClaims.FhirUser })
            if (principal.GetClaim(type) is { } value) context.Claims[type] = value;
        return ValueTask.CompletedTask;
    }
}
