using System.Collections.Concurrent;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Access.Accounts;

/// Sign-in by login name and password, and the server-side sessions behind the page cookie (#18). The
/// cookie holds a random secret; the log holds only its digest, so an ended session (signed out, signed out
/// everywhere, password reset, account disabled) is refused on its next request wherever it is.
public sealed class AccountSessions(AccountBook book, Credentials credentials, SignInThrottle throttle, OrganisationDirectory directory, TimeProvider clock)
{
    public const string CookieName = "pe_session";

    /// Idle time after which a session ends: a working day on a shared computer; a month on a phone the
    /// person chose to be remembered on. Neither outlives <see cref="Longest"/> from sign-in.
    public static readonly TimeSpan Idle = TimeSpan.FromHours(12);
    public static readonly TimeSpan RememberedIdle = TimeSpan.FromDays(30);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(90);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);

    public sealed record Started(string Cookie, SessionStarted Session);

    public SessionStarted NewSession(string account, string cookie, string device, bool remember)
    {
        var now = clock.GetUtcNow();
        return new SessionStarted(account, AccountBook.Stamp(cookie), Device(device), remember, now, now + (remember ? Longest : Idle));
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
        password ??= "";
        if (throttle.LockedUntil(login) is { } until) return (null, AccountRules.SignInRefused, until);
        await book.CatchUpAsync(ct).ConfigureAwait(false);
        var state = login.Length == 0 ? null : book.FindByLogin(login);
        var ok = state is not null ? credentials.Verify(state.PasswordStamp, password) : Burn(password);
        if (!ok || state is null || AccountBook.GrantOf(state, directory.Current, Today, null) is null)
        {
            throttle.Failed(login);
            return (null, AccountRules.SignInRefused, throttle.LockedUntil(login));
        }
        var cookie = AccountBook.NewSecret();
        var session = NewSession(state.Account, cookie, userAgent, remember);
        var (_, refused) = await book.DecideAsync(state.Account, s => AccountRules.SignIn(s!, session), state.Account, ct).ConfigureAwait(false);
        if (refused is not null)
        {
            throttle.Failed(login);
            return (null, AccountRules.SignInRefused, null);
        }
        throttle.Succeeded(login);
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
        var seen = _lastSeen.TryGetValue(stamp, out var last) ? last : session.At;
        if (now - seen > (session.Remember ? RememberedIdle : Idle)) return (null, null);
        if (AccountBook.GrantOf(state, directory.Current, Today, null) is null) return (null, null);
        _lastSeen[stamp] = now;
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
