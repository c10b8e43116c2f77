using System.Collections.Concurrent;

namespace PointsEngine.Api.Access.Accounts;

/// Lockout with back-off (#18): after <see cref="FreeFailures"/> failed sign-ins for one login name, the
/// name is locked for 30 s, doubling with each further failure up to 15 min; a success clears it. Counted
/// per name whether or not the name exists, so the lockout says nothing about which names do. In memory:
/// a restart forgets it (the back-off only has to make guessing slow, and PBKDF2 already costs each guess).
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan FirstLock = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestLock = TimeSpan.FromMinutes(15);
    private const int MaxNames = 100_000;

    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset LockedUntil)> _names = new(StringComparer.Ordinal);

    /// Until when the name is locked, if it is.
    public DateTimeOffset? LockedUntil(string login) =>
        _names.TryGetValue(AccountBook.LoginKey(login), out var s) && s.LockedUntil > clock.GetUtcNow() ? s.LockedUntil : null;

    public void Failed(string login)
    {
        if (_names.Count >= MaxNames) _names.Clear(); // a bound on memory under a spray of names, not a policy
        var now = clock.GetUtcNow();
        _names.AddOrUpdate(AccountBook.LoginKey(login), _ => (1, DateTimeOffset.MinValue), (_, s) =>
        {
            var failures = s.Failures + 1;
            if (failures < FreeFailures) return (failures, s.LockedUntil);
            var lockFor = TimeSpan.FromTicks(Math.Min(LongestLock.Ticks, FirstLock.Ticks << Math.Min(20, failures - FreeFailures)));
            return (failures, now + lockFor);
        });
    }

    public void Succeeded(string login) => _names.TryRemove(AccountBook.LoginKey(login), out _);
}
