using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// The admin API (clients and users; an admin token or an admin's sign-in) and the EHR launch API (launch context
/// stored for an EHR launch; also a practice user's sign-in). Errors are JSON <c>{"error": …}</c> with a 4xx.
/// </summary>
public static class AdminEndpoints
{
    public const string AdminPolicy = "FhirPractice.Admin", LaunchPolicy = "FhirPractice.Launch";

    public sealed record LaunchRequest(string? Patient, string? Encounter, System.Text.Json.JsonElement? FhirContext, bool? NeedPatientBanner);

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(ServerUrls.AuthPath + "/admin").RequireAuthorization(AdminPolicy).DisableAntiforgery();
        admin.MapGet("/clients", async (IOpenIddictApplicationManager applications, CancellationToken ct) =>
        {
            var ids = new List<string?>();
            await foreach (var application in applications.ListAsync(cancellationToken: ct)) ids.Add(await applications.GetClientIdAsync(application, ct));
            return Results.Json(ids);
        });
        admin.MapPut("/clients/{clientId}", async (string clientId, ClientRegistration client, ClientDirectory clients, CancellationToken ct) =>
        {
            if (ClientDirectory.Validate(clientId, client) is { } error) return Results.BadRequest(new { error });
            await clients.SaveAsync(clientId, client, ct);
            return Results.NoContent();
        });
        admin.MapDelete("/clients/{clientId}", async (string clientId, IOpenIddictApplicationManager applications, CancellationToken ct) =>
        {
            if (await applications.FindByClientIdAsync(clientId, ct) is not { } application) return Results.NotFound(new { error = "no such client" });
            await applications.DeleteAsync(application, ct);
            return Results.NoContent();
        });
        admin.MapGet("/users", async (AuthDbContext db, CancellationToken ct) =>
            Results.Json(await db.Users.Select(u => new { u.UserName, Role = u.Role.ToString(), u.FhirUser, u.CanChoosePatient }).ToListAsync(ct)));
        admin.MapPut("/users/{userName}", async (string userName, UserRegistration user, UserDirectory users, CancellationToken ct) =>
        {
            if (UserDirectory.Validate(userName, user) is { } error) return Results.BadRequest(new { error });
            if (user.Password is not { Length: >= 12 } && await users.FindAsync(userName, ct) is null)
                return Results.BadRequest(new { error = "a new account needs a password of at least 12 characters" });
            await users.SaveAsync(userName, user, user.Password, ct);
            return Results.NoContent();
        });
        admin.MapDelete("/users/{userName}", async (string userName, AuthDbContext db, CancellationToken ct) =>
            await db.Users.Where(u => u.UserName == userName).ExecuteDeleteAsync(ct) == 0 ? Results.NotFound(new { error = "no such user" }) : Results.NoContent());

        app.MapPost(ServerUrls.AuthPath + "/launch", async (LaunchRequest request, AuthDbContext db, SmartAuthorizationOptions options, CancellationToken ct) =>
        {
            if (request.Patient is null && request.Encounter is null) return Results.BadRequest(new { error = "a launch needs a patient or an encounter" });
            if (request.FhirContext is { ValueKind: not System.Text.Json.JsonValueKind.Array })
                return Results.BadRequest(new { error = "fhirContext must be an array of objects" });
            var launch = new LaunchContext
            {
                Id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
                Patient = request.Patient,
                Encounter = request.Encounter,
                FhirContextJson = request.FhirContext?.GetRawText(),
                NeedPatientBanner = request.NeedPatientBanner ?? false,
                ExpiresAt = DateTimeOffset.UtcNow + options.LaunchContextLifetime,
            };
            db.LaunchContexts.Add(launch);
            await db.SaveChangesAsync(ct);
            return Results.Json(new { launch = launch.Id, expires_in = (int)options.LaunchContextLifetime.TotalSeconds });
        }).RequireAuthorization(LaunchPolicy).DisableAntiforgery();
    }
}
