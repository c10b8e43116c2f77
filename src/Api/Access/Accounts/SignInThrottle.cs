using PointsEngine.Store;

namespace PointsEngine.Api.Access.Accounts;

/// Lockout with back-off (#18): after <see cref="FreeFailures"/> failed sign-ins for one login name, the
/// name is locked for 30 s, doubling with each further failure up to 15 min; a success clears it, and a
/// name's count starts again a day after its last failure. Counted per name whether or not the name
/// exists, so the lockout says nothing about which names do. Kept in the store's database
/// (<see cref="ICredentialStore"/>), so a restart does not forget it and several processes on one database
/// count together: guessing through another node is no faster.
public sealed class SignInThrottle(ICredentialStore store, TimeProvider clock)
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan FirstLock = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestLock = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);
    private const int PruneEvery = 256;

    private int _failures;

    /// Until when the name is locked, if it is.
    public async Task<DateTimeOffset?> LockedUntilAsync(string login, CancellationToken ct)
    {
        var until = await store.LockedUntilAsync(AccountBook.LoginKey(login), ct).ConfigureAwait(false);
        return until > clock.GetUtcNow().ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null;
    }

    public async Task FailedAsync(string login, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var key = AccountBook.LoginKey(login);
        var failures = await store.AddFailureAsync(key, now.ToUnixTimeMilliseconds(), (long)ForgetAfter.TotalMilliseconds, ct).ConfigureAwait(false);
        if (failures >= FreeFailures)
        {
            var lockFor = TimeSpan.FromTicks(Math.Min(LongestLock.Ticks, FirstLock.Ticks << Math.Min(20, failures - FreeFailures)));
            await store.LockAsync(key, (now + lockFor).ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
        }
        // A bound on the table under a spray of names, not a policy: names quiet for a day and not locked go.
        if (Interlocked.Increment(ref _failures) % PruneEvery == 0)
            await store.PruneFailuresAsync((now - ForgetAfter).ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
    }

    public Task SucceededAsync(string login, CancellationToken ct) => store.ClearFailuresAsync(AccountBook.LoginKey(login), ct);
}
