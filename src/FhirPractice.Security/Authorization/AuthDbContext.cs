using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FhirPractice.Security.Authorization;

/// <summary>The authorization server's store: OpenIddict's clients, authorizations and tokens, and our users, launch contexts and used assertion ids.</summary>
public sealed class AuthDbContext(DbContextOptions<AuthDbContext> options) : DbContext(options)
{
    public DbSet<UserAccount> Users => Set<UserAccount>();
    public DbSet<LaunchContext> LaunchContexts => Set<LaunchContext>();
    public DbSet<UsedAssertion> UsedAssertions => Set<UsedAssertion>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.UseOpenIddict();
        model.Entity<UserAccount>().HasKey(u => u.UserName);
        model.Entity<LaunchContext>().HasKey(l => l.Id);
        model.Entity<UsedAssertion>().HasKey(a => new { a.ClientId, a.Jti });
        // SQLite cannot compare DateTimeOffset values in SQL; as UTC ticks it can.
        model.Entity<LaunchContext>().Property(l => l.ExpiresAt).HasConversion(new DateTimeOffsetToBinaryConverter());
        model.Entity<UsedAssertion>().Property(a => a.ExpiresAt).HasConversion(new DateTimeOffsetToBinaryConverter());
    }
}

public sealed class UserAccount
{
    public required string UserName { get; set; }
    public required string PasswordHash { get; set; }
    public UserRole Role { get; set; }
    public string? FhirUser { get; set; }
    public bool CanChoosePatient { get; set; }

    /// <summary>A patient account is its Patient resource's id; others have none.</summary>
    public string? OwnPatient => Role == UserRole.Patient && FhirUser?.StartsWith("Patient/") == true ? FhirUser["Patient/".Length..] : null;
}

/// <summary>
/// Launch context held by the server: created by an EHR through the launch API (<c>launch</c> parameter) or by the
/// patient picker for the signed-in user, and bound into the token at authorization.
/// </summary>
public sealed class LaunchContext
{
    public required string Id { get; set; }
    /// <summary>The user who picked the patient; null for an EHR launch, which any signed-in practice user may complete.</summary>
    public string? PickedBy { get; set; }
    public string? Patient { get; set; }
    public string? Encounter { get; set; }
    /// <summary>SMART fhirContext: a JSON array of objects with a reference (and a role).</summary>
    public string? FhirContextJson { get; set; }
    public bool NeedPatientBanner { get; set; } = true;
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A client assertion's <c>jti</c>, kept until its <c>exp</c> so the same assertion is not accepted twice.</summary>
public sealed class UsedAssertion
{
    public required string ClientId { get; set; }
    public required string Jti { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
