using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// At start, before requests are served: creates the authorization store and registers the clients and users
/// of the configuration. A configured user without a password gets a generated one, printed once to the
/// console when the account is created (the user name and password only: no PHI).
/// </summary>
public sealed class RegistrationSeeder(IServiceProvider services, SmartAuthorizationOptions options) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        await db.Database.EnsureCreatedAsync(ct);
        var clients = scope.ServiceProvider.GetRequiredService<ClientDirectory>();
        foreach (var (clientId, client) in options.Clients)
        {
            if (ClientDirectory.Validate(clientId, client) is { } error) throw new InvalidOperationException($"FhirPractice:Security:Clients:{clientId}: {error}");
            await clients.SaveAsync(clientId, client, ct);
        }
        var users = scope.ServiceProvider.GetRequiredService<UserDirectory>();
        foreach (var (userName, user) in options.Users)
        {
            if (UserDirectory.Validate(userName, user) is { } error) throw new InvalidOperationException($"FhirPractice:Security:Users:{userName}: {error}");
            var password = user.Password;
            if (password is null && await users.FindAsync(userName, ct) is null)
            {
                password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15));
                Console.WriteLine($"FhirPractice: created user '{userName}' with the generated password {password} (shown once; set FhirPractice:Security:Users:{userName}:Password to choose one)");
            }
            await users.SaveAsync(userName, user, password, ct);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
