using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FhirPractice.Security.Authorization;

/// <summary>The accounts that sign in on the login pages: lookup, password check, creation.</summary>
public sealed class UserDirectory(AuthDbContext db)
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    public Task<UserAccount?> FindAsync(string userName, CancellationToken ct) =>
        db.Users.SingleOrDefaultAsync(u => u.UserName == userName, ct);

    /// <summary>The account when the password is right; the same answer for an unknown name and a wrong password.</summary>
    public async Task<UserAccount?> SignInAsync(string userName, string password, CancellationToken ct)
    {
        var user = await FindAsync(userName, ct);
        if (user is null)
        {
            // Spend the same time as a real check, so response times do not tell which names exist.
            Hasher.VerifyHashedPassword(null!, DummyHash, password);
            return null;
        }
        return Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed ? null : user;
    }

    private static readonly string DummyHash = Hasher.HashPassword(null!, Guid.NewGuid().ToString());

    /// <summary>Creates or replaces an account; a null password keeps the existing one.</summary>
    public async Task SaveAsync(string userName, UserRegistration registration, string? password, CancellationToken ct)
    {
        var user = await FindAsync(userName, ct);
        if (user is null)
        {
            user = new UserAccount { UserName = userName, PasswordHash = "" };
            db.Users.Add(user);
        }
        user.Role = registration.Role;
        user.FhirUser = registration.FhirUser;
        user.CanChoosePatient = registration.Role != UserRole.Patient && registration.CanChoosePatient;
        if (password is not null && (user.PasswordHash.Length == 0
            || Hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed))
            user.PasswordHash = Hasher.HashPassword(user, password);
        await db.SaveChangesAsync(ct);
    }

    public static string? Validate(string userName, UserRegistration registration)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 100) return "a user name of 1 to 100 characters is required";
        if (registration.Role == UserRole.Patient && registration.FhirUser?.StartsWith("Patient/") != true)
            return "a patient account is linked to its Patient: fhirUser must be Patient/{id}";
        if (registration.FhirUser is { } f && !System.Text.RegularExpressions.Regex.IsMatch(f, "^(Patient|Practitioner|PractitionerRole|RelatedPerson|Person)/[A-Za-z0-9\\-\\.]{1,64}$"))
            return "fhirUser must be a relative reference to a Patient, Practitioner, PractitionerRole, RelatedPerson or Person";
        return null;
    }
}
