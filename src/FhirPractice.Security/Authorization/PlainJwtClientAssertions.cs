using Microsoft.AspNetCore;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// Accepts client assertions typed <c>JWT</c> as SMART Backend Services clients send them (and RFC 7523 allows), besides
/// the <c>client-authentication+jwt</c> type OpenIddict 7 asks for. What that type guards against — a token made for
/// another purpose passed off as an assertion — is covered here by <see cref="ClientAssertionPolicy"/>: the audience
/// must be exactly our token endpoint and each assertion is single-use; the signature is checked with the client's
/// own keys only, so none of our tokens can pass.
/// </summary>
public static class PlainJwtClientAssertions
{
    public static readonly OpenIddictServerHandlerDescriptor[] Descriptors = [AllowJwtType.Descriptor, KeepAssertionType.Descriptor];

    private static bool ExpectsAssertion(ValidateTokenContext context) =>
        context.ValidTokenTypes.Count == 1 && context.ValidTokenTypes.Contains(TokenTypeIdentifiers.Private.ClientAssertion);

    /// <summary>Adds <c>JWT</c> to the header types an assertion may have, and makes our token endpoint URL its one valid audience (SMART Backend Services).</summary>
    public sealed class AllowJwtType(ServerUrls urls) : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .UseSingletonHandler<AllowJwtType>()
                .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (!ExpectsAssertion(context)) return ValueTask.CompletedTask;
            if (context.TokenValidationParameters.ValidTypes is { } types)
                context.TokenValidationParameters.ValidTypes = [.. types, JwtConstants.HeaderType];
            var http = context.Transaction.GetHttpRequest()?.HttpContext ?? throw new InvalidOperationException("no HTTP request");
            context.ValidAudiences.Clear();
            context.ValidAudiences.Add(urls.Endpoint(http, "token"));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>OpenIddict reads a <c>JWT</c> header as an identity token; where an assertion was expected, it is one.</summary>
    public sealed class KeepAssertionType : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .UseSingletonHandler<KeepAssertionType>()
                .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order + 1)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            if (ExpectsAssertion(context) && context.Principal is { } principal && principal.GetTokenType() == TokenTypeIdentifiers.IdentityToken)
                principal.SetTokenType(TokenTypeIdentifiers.Private.ClientAssertion);
            return ValueTask.CompletedTask;
        }
    }
}
