using System.Collections.Concurrent;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// Stops password guessing on the sign-in pages: after <see cref="SmartAuthorizationOptions.MaxFailedSignIns"/> failures
/// in a row for a user name, that name cannot sign in for <see cref="SmartAuthorizationOptions.SignInLockout"/>, whatever
/// the password; a success clears its count. Names that do not exist are counted and locked alike, so a lockout tells
/// nothing of which names do. Kept in memory: a restart ends the lockouts; the entries of names not tried for a
/// lockout's length are dropped once there are many, so names sprayed at random cannot grow it without bound.
/// </summary>
public sealed class SignInLockout(SmartAuthorizationOptions options, TimeProvider clock)
{
    private const int PruneAbove = 10_000;

    private sealed record Failures(int Count, DateTimeOffset Last, DateTimeOffset? LockedUntil);

    private readonly ConcurrentDictionary<string, Failures> _byName = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Until when the name is locked; null when it may try.</summary>
    public DateTimeOffset? LockedUntil(string userName) =>
        _byName.TryGetValue(userName, out var f) && f.LockedUntil is { } until && until > clock.GetUtcNow() ? until : null;

    /// <summary>Counts a failed sign-in; until when the name is locked now, null when it is not.</summary>
    public DateTimeOffset? Failed(string userName)
    {
        var now = clock.GetUtcNow();
        if (_byName.Count > PruneAbove) Prune(now);
        var failures = _byName.AddOrUpdate(userName, _ => Next(null, now), (_, f) => Next(f, now));
        return failures.LockedUntil > now ? failures.LockedUntil : null;
    }

    public void Succeeded(string userName) => _byName.TryRemove(userName, out _);

    private Failures Next(Failures? f, DateTimeOffset now)
    {
        if (f?.LockedUntil > now) return f with { Last = now }; // locked: a try changes nothing
        var count = (f is { LockedUntil: null } ? f.Count : 0) + 1; // after a lockout has ended, the count starts again
        return count >= options.MaxFailedSignIns ? new Failures(0, now, now + options.SignInLockout) : new Failures(count, now, null);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (name, f) in _byName)
            if (now - f.Last > options.SignInLockout && (f.LockedUntil is null || f.LockedUntil <= now)) _byName.TryRemove(name, out _);
    }
}
