using System.Collections.Concurrent;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Workflows;
using PointsEngine.Store;

namespace PointsEngine.Api.Access.Accounts;

/// Sign-in by login name and password, and the server-side sessions behind the page cookie (#18). The
/// cookie holds a random secret; the log holds only its digest, so an ended session (signed out, signed out
/// everywhere, password reset, account disabled) is refused on its next request wherever it is.
public sealed class AccountSessions(
    AccountBook book, Credentials credentials, SignInThrottle throttle, ICredentialStore seen, OrganisationDirectory directory, TimeProvider clock)
{
    public const string CookieName = "pe_session";

    /// Idle time after which a session ends: a working day on a shared computer; a month on a phone the
    /// person chose to be remembered on. Sliding: each request starts the idle time again, in every process
    /// (the last visit is kept in the store, written at most once per <see cref="SeenEvery"/>). Neither
    /// outlives <see cref="Longest"/> from sign-in.
    public static readonly TimeSpan Idle = TimeSpan.FromHours(12);
    public static readonly TimeSpan RememberedIdle = TimeSpan.FromDays(30);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(90);
    public static readonly TimeSpan SeenEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastStored = new(StringComparer.Ordinal);

    public sealed record Started(string Cookie, SessionStarted Session);

    public SessionStarted NewSession(string account, string cookie, string device, bool remember)
    {
        var now = clock.GetUtcNow();
        return new SessionStarted(account, AccountBook.Stamp(cookie), Device(device), remember, now, now + Longest);
    }

    private static string Device(string userAgent)
    {
        var ua = userAgent ?? "";
        string os = ua.Contains("iPhone", StringComparison.Ordinal) ? "iPhone" : ua.Contains("Android", StringComparison.Ordinal) ? "Android"
            : ua.Contains("Windows", StringComparison.Ordinal) ? "Windows" : ua.Contains("Mac OS", StringComparison.Ordinal) ? "Mac" : ua.Contains("Linux", StringComparison.Ordinal) ? "Linux" : "";
        string app = ua.Contains("MicroMessenger", StringComparison.Ordinal) ? "微信" : ua.Contains("QQ/", StringComparison.Ordinal) ? "QQ"
            : ua.Contains("Edg/", StringComparison.Ordinal) ? "Edge" : ua.Contains("Chrome", StringComparison.Ordinal) ? "Chrome"
            : ua.Contains("Firefox", StringComparison.Ordinal) ? "Firefox" : ua.Contains("Safari", StringComparison.Ordinal) ? "Safari" : "";
        var d = $"{os} {app}".Trim();
        return d.Length == 0 ? "未知设备" : d;
    }

    /// Login name and password to a session; every failure is the same refusal, and so is a locked name
    /// (with when to try again, which is as true for a name that does not exist).
    public async Task<(Started? Started, Refusal? Refusal, DateTimeOffset? LockedUntil)> SignInAsync(
        string? login, string? password, bool remember, string userAgent, CancellationToken ct)
    {
        login = login?.Trim() ?? "";
        return await SignInAsync(login, () => login.Length == 0 ? null : book.FindByLogin(login), password, remember, userAgent, ct).ConfigureAwait(false);
    }

    /// Name and branch instead of a login name, for branches with no phones on file (#18): the member of that
    /// branch today with that name, when exactly one has an account; the same single answer otherwise (two
    /// namesakes in one branch sign in with their member id). Counted for the lockout under the name and
    /// branch as typed, so this says no more about who exists than a login name does.
    public async Task<(Started? Started, Refusal? Refusal, DateTimeOffset? LockedUntil)> SignInByNameAsync(
        string? name, string? branch, string? password, bool remember, string userAgent, CancellationToken ct)
    {
        var who = AccountBook.LoginKey(name ?? "");
        var where = AccountBook.LoginKey(branch ?? "");
        return await SignInAsync($"{where}/{who}", () =>
        {
            if (who.Length == 0 || where.Length == 0) return null;
            var org = directory.Current;
            var found = org.Members.Values
                .Where(m => AccountBook.LoginKey(m.Branch.Value) == where && !m.HasLeftBy(Today.AddDays(1)) && AccountBook.LoginKey(m.Name) == who)
                .Select(m => book.All.FirstOrDefault(a => a.Member == m.Id))
                .OfType<AccountState>().Take(2).ToList();
            return found.Count == 1 ? found[0] : null;
        }, password, remember, userAgent, ct).ConfigureAwait(false);
    }

    private async Task<(Started? Started, Refusal? Refusal, DateTimeOffset? LockedUntil)> SignInAsync(
        string throttleKey, Func<AccountState?> find, string? password, bool remember, string userAgent, CancellationToken ct)
    {
        password ??= "";
        if (await throttle.LockedUntilAsync(throttleKey, ct).ConfigureAwait(false) is { } until) return (null, AccountRules.SignInRefused, until);
        await book.CatchUpAsync(ct).ConfigureAwait(false);
        var state = find();
        var ok = state is not null ? await credentials.VerifyAsync(state.PasswordStamp, password, ct).ConfigureAwait(false) : Burn(password);
        if (!ok || state is null || AccountBook.GrantOf(state, directory.Current, Today, null) is null)
        {
            await throttle.FailedAsync(throttleKey, ct).ConfigureAwait(false);
            return (null, AccountRules.SignInRefused, await throttle.LockedUntilAsync(throttleKey, ct).ConfigureAwait(false));
        }
        var cookie = AccountBook.NewSecret();
        var session = NewSession(state.Account, cookie, userAgent, remember);
        var (_, refused) = await book.DecideAsync(state.Account, s => AccountRules.SignIn(s!, session), state.Account, ct).ConfigureAwait(false);
        if (refused is not null)
        {
            await throttle.FailedAsync(throttleKey, ct).ConfigureAwait(false);
            return (null, AccountRules.SignInRefused, null);
        }
        await throttle.SucceededAsync(throttleKey, ct).ConfigureAwait(false);
        return (new Started(cookie, session), null, null);
    }

    private static bool Burn(string password)
    {
        Credentials.VerifyNobody(password);
        return false;
    }

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// The grant of a session cookie on this request, or null when the session is over: ended, idle too
    /// long, past its longest life, the account disabled, or its member gone from the organisation.
    public async Task<(AccessToken? Grant, SessionStarted? Session)> CheckAsync(string cookie, CancellationToken ct)
    {
        await book.CatchUpAsync(ct).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        if (book.FindBySession(cookie) is not { } state) return (null, null);
        var stamp = AccountBook.Stamp(cookie);
        if (!state.SessionLive(stamp, now)) return (null, null);
        var session = state.Sessions[stamp];
        var idle = session.Remember ? RememberedIdle : Idle;
        var seenHere = _lastSeen.TryGetValue(stamp, out var last) ? last : session.At;
        // Idle by this process's count: another process (or this one before a restart) may have seen it since.
        if (now - seenHere > idle)
        {
            var stored = await seen.SessionSeenAsync(stamp, ct).ConfigureAwait(false);
            if (stored > 0 && DateTimeOffset.FromUnixTimeMilliseconds(stored) > seenHere) seenHere = DateTimeOffset.FromUnixTimeMilliseconds(stored);
            if (now - seenHere > idle) return (null, null);
        }
        if (AccountBook.GrantOf(state, directory.Current, Today, null) is null) return (null, null);
        _lastSeen[stamp] = now;
        if (!_lastStored.TryGetValue(stamp, out var storedAt) || now - storedAt >= SeenEvery)
        {
            _lastStored[stamp] = now;
            await seen.SeeSessionAsync(stamp, now.ToUnixTimeMilliseconds(), ct).ConfigureAwait(false);
        }
        return (AccountBook.GrantOf(state, directory.Current, Today, session), session);
    }

    public Task SignOutAsync(string cookie, CancellationToken ct) =>
        book.FindBySession(cookie) is { } state
            ? book.DecideAsync(state.Account, s => AccountRules.SignOut(s!, AccountBook.Stamp(cookie), clock.GetUtcNow()), state.Account, ct)
            : Task.CompletedTask;

    public Task SignOutEverywhereAsync(string account, CancellationToken ct) =>
        book.DecideAsync(account, s => s is null ? AccountDecision.Of() : AccountRules.SignOutEverywhere(s, clock.GetUtcNow()), account, ct);

    public DateTimeOffset LastSeen(SessionStarted session) => _lastSeen.TryGetValue(session.Session, out var t) ? t : session.At;
}
