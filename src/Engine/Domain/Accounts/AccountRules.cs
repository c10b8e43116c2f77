using System.Collections.Immutable;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain.Accounts;

public sealed record Invitation(string Stamp, DateTimeOffset ExpiresAt, bool Used, bool Withdrawn);

/// An integration token issued to the account (#18); <see cref="RevokedAt"/> once revoked.
public sealed record IntegrationToken(string TokenId, string Name, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, string By, DateTimeOffset? RevokedAt)
{
    public bool Live(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}

/// One account folded from its events.
public sealed record AccountState(
    string Account,
    string LoginName,
    string Name,
    MemberId? Member,
    string Role,
    ImmutableArray<BranchId> Branches,
    string? PasswordStamp,
    bool Disabled,
    ImmutableList<Invitation> Invitations,
    ImmutableDictionary<string, SessionStarted> Sessions)
{
    public bool Active => PasswordStamp is not null && !Disabled;

    /// The account's integration tokens by id, live and revoked (#18).
    public ImmutableDictionary<string, IntegrationToken> Tokens { get; init; } = ImmutableDictionary<string, IntegrationToken>.Empty;

    /// When the holder last signed in on a page (null: never).
    public DateTimeOffset? LastSignIn { get; init; }

    /// The invitation still open (at most one: a new one withdraws the others).
    public Invitation? OpenInvitation(DateTimeOffset now) => Invitations.LastOrDefault(i => !i.Used && !i.Withdrawn && i.ExpiresAt > now);

    public bool SessionLive(string session, DateTimeOffset now) =>
        !Disabled && Sessions.TryGetValue(session, out var s) && s.ExpiresAt > now;
}

/// What a step of an account decided: its events, or why it was refused.
public sealed record AccountDecision(IReadOnlyList<object> Events, Refusal? Refusal)
{
    public static AccountDecision Of(params object[] events) => new(events, null);
    public static AccountDecision No(Refusal refusal) => new([], refusal);
}

/// The rules of an account as pure functions of its state; the time and every secret's digest arrive as data.
public static class AccountRules
{
    public static AccountState? Evolve(AccountState? state, object e) => (state, e) switch
    {
        (null, AccountInvited i) => new AccountState(i.Account, i.LoginName, i.Name, i.Member, i.Role, [.. i.Branches], null, false,
            [new Invitation(i.Invitation, i.ExpiresAt, false, false)], ImmutableDictionary<string, SessionStarted>.Empty),
        ({ } s, AccountInvited i) => s with
        {
            LoginName = i.LoginName, Name = i.Name,
            Invitations = s.Invitations.Add(new Invitation(i.Invitation, i.ExpiresAt, false, false)),
        },
        ({ } s, InvitationWithdrawn w) => s with { Invitations = Mark(s.Invitations, w.Invitation, i => i with { Withdrawn = true }) },
        ({ } s, AccountActivated a) => s with { PasswordStamp = a.PasswordStamp, Disabled = false, Invitations = Mark(s.Invitations, a.Invitation, i => i with { Used = true }) },
        ({ } s, PasswordChanged p) => s with { PasswordStamp = p.PasswordStamp, Disabled = false, Invitations = Mark(s.Invitations, p.Invitation, i => i with { Used = true }) },
        ({ } s, AccountRoleSet r) => s with { Role = r.Role, Branches = [.. r.Branches] },
        ({ } s, AccountDisabled) => s with { Disabled = true },
        ({ } s, AccountEnabled) => s with { Disabled = false },
        ({ } s, TokenIssued t) => s with { Tokens = s.Tokens.SetItem(t.TokenId, new IntegrationToken(t.TokenId, t.Name, t.At, t.ExpiresAt, t.By, null)) },
        ({ } s, TokenRevoked r) when s.Tokens.TryGetValue(r.TokenId, out var t) => s with { Tokens = s.Tokens.SetItem(r.TokenId, t with { RevokedAt = r.At }) },
        ({ } s, SessionStarted st) => s with { Sessions = s.Sessions.SetItem(st.Session, st), LastSignIn = st.At },
        ({ } s, SessionEnded en) => s with { Sessions = s.Sessions.Remove(en.Session) },
        _ => state,
    };

    private static ImmutableList<Invitation> Mark(ImmutableList<Invitation> list, string stamp, Func<Invitation, Invitation> change) =>
        [.. list.Select(i => i.Stamp == stamp ? change(i) : i)];

    /// A (new) invitation: any earlier open one is withdrawn, so only the newest link works.
    public static AccountDecision Invite(AccountState? state, AccountInvited invited)
    {
        if (state is null) return AccountDecision.Of(invited);
        var withdrawn = state.Invitations.Where(i => !i.Used && !i.Withdrawn)
            .Select(i => (object)new InvitationWithdrawn(state.Account, i.Stamp, invited.By, invited.At));
        return new AccountDecision([.. withdrawn, invited], null);
    }

    public static AccountDecision Withdraw(AccountState state, string by, DateTimeOffset now)
    {
        // Nothing open (already withdrawn, used, or expired): nothing to do, as a repeated request expects.
        if (state.OpenInvitation(now) is not { } open) return AccountDecision.Of();
        return AccountDecision.Of(new InvitationWithdrawn(state.Account, open.Stamp, by, now));
    }

    /// Choosing a password through a link: the link must be this account's, unused, not withdrawn, not
    /// expired. Sets the password (every other session ends: whoever knew the old one is out) and signs in.
    public static AccountDecision Redeem(AccountState state, string invitation, string passwordStamp, SessionStarted session, DateTimeOffset now)
    {
        if (LinkRefusal(state.Invitations.FirstOrDefault(i => i.Stamp == invitation), now) is { } refused) return AccountDecision.No(refused);
        object set = state.PasswordStamp is null
            ? new AccountActivated(state.Account, invitation, passwordStamp, now)
            : new PasswordChanged(state.Account, invitation, passwordStamp, now);
        var ended = state.Sessions.Keys.Order(StringComparer.Ordinal).Select(k => (object)new SessionEnded(state.Account, k, "password-changed", now));
        return new AccountDecision([set, .. ended, session], null);
    }

    /// Why a link cannot be used, in words a member understands; null when it can.
    public static Refusal? LinkRefusal(Invitation? link, DateTimeOffset now) => link switch
    {
        null => new Refusal(RefusalKind.NotFound, "link-unknown",
            "这个链接无效。请核对链接是否完整，或请支部书记重新发一个。", "This link is not valid; check it is complete, or ask your branch secretary for a new one."),
        { Used: true } => new Refusal(RefusalKind.Conflict, "link-used",
            "这个链接已经用过了（每个链接只能用一次）。如需重设密码，请支部书记重新发一个链接。", "This link was already used (each link works once); ask your branch secretary for a new one."),
        { Withdrawn: true } => new Refusal(RefusalKind.Conflict, "link-withdrawn",
            "这个链接已被收回。请向支部书记索取新的链接。", "This link was withdrawn; ask your branch secretary for a new one."),
        _ when link.ExpiresAt <= now => new Refusal(RefusalKind.Conflict, "link-expired",
            $"这个链接已于 {link.ExpiresAt:yyyy-MM-dd HH:mm} 过期。请支部书记重新发一个。", $"This link expired on {link.ExpiresAt:yyyy-MM-dd HH:mm}; ask your branch secretary for a new one."),
        _ => null,
    };

    /// A sign-in with the right password (checked outside: hashing is not pure).
    public static AccountDecision SignIn(AccountState state, SessionStarted session) =>
        state.Active ? AccountDecision.Of(session) : AccountDecision.No(SignInRefused);

    /// The one answer to every failed sign-in, whichever the cause (no enumeration of login names).
    public static readonly Refusal SignInRefused = new(RefusalKind.Forbidden, "sign-in-failed",
        "登录名或密码不正确。", "The login name or password is not correct.");

    public static AccountDecision SignOut(AccountState state, string session, DateTimeOffset now) =>
        state.Sessions.ContainsKey(session) ? AccountDecision.Of(new SessionEnded(state.Account, session, "signed-out", now)) : AccountDecision.Of();

    public static AccountDecision SignOutEverywhere(AccountState state, DateTimeOffset now, string reason = "signed-out-everywhere") =>
        new([.. state.Sessions.Keys.Order(StringComparer.Ordinal).Select(k => (object)new SessionEnded(state.Account, k, reason, now))], null);

    /// Disabling ends every session at once.
    public static AccountDecision Disable(AccountState state, string by, string reason, DateTimeOffset now) =>
        state.Disabled ? AccountDecision.Of()
            : new AccountDecision([new AccountDisabled(state.Account, by, reason, now), .. SignOutEverywhere(state, now, "disabled").Events], null);

    public static AccountDecision SetRole(AccountState state, string role, IReadOnlyList<BranchId> branches, string by, DateTimeOffset now) =>
        state.Role == role && state.Branches.SequenceEqual(branches) ? AccountDecision.Of()
            : AccountDecision.Of(new AccountRoleSet(state.Account, role, branches, by, now));
}
