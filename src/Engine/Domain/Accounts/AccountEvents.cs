using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Accounts;

// Accounts of the people who sign in (issue #18), as events in the log's own "accounts" stream. An account
// is bound to who the person is in the organisation (a member, or a person named by an admin); what it may
// do is worked out on every request from these facts and the organisation's, never copied into a session.
//
// Secrets never enter the log: an invitation's code, a session's cookie and a password hash are stored
// only as a SHA-256 digest (the "stamp"), so an export of the log gives nothing to sign in with. The
// password hash itself (PBKDF2) lives in a side file; its stamp here says which one is current.

/// An invitation: a one-time link for the person to choose a password. <paramref name="Invitation"/> is
/// the digest of the link's code. <paramref name="Role"/> is a role's wire name ("member", "secretary",
/// "appraiser", "admin"); <paramref name="Branches"/> the branches a secretary keeps.
public sealed record AccountInvited(
    string Account, string Invitation, string LoginName, string Name, MemberId? Member, string Role, IReadOnlyList<BranchId> Branches,
    DateTimeOffset ExpiresAt, string By, DateTimeOffset At);

public sealed record InvitationWithdrawn(string Account, string Invitation, string By, DateTimeOffset At);

/// The first password, chosen through an invitation.
public sealed record AccountActivated(string Account, string Invitation, string PasswordStamp, DateTimeOffset At);

/// A new password through a newer invitation (a forgotten password): the old one stops working.
public sealed record PasswordChanged(string Account, string Invitation, string PasswordStamp, DateTimeOffset At);

/// What the account may do from now on, as the organisation decided it (a member who becomes secretary).
public sealed record AccountRoleSet(string Account, string Role, IReadOnlyList<BranchId> Branches, string By, DateTimeOffset At);

public sealed record AccountDisabled(string Account, string By, string Reason, DateTimeOffset At);

/// A signed-in browser. <paramref name="Session"/> is the digest of the cookie's value.
public sealed record SessionStarted(string Account, string Session, string Device, bool Remember, DateTimeOffset At, DateTimeOffset ExpiresAt);

public sealed record SessionEnded(string Account, string Session, string Reason, DateTimeOffset At);

/// A disabled account may sign in again (a member who came back); its old sessions stay ended.
public sealed record AccountEnabled(string Account, string By, DateTimeOffset At);

/// An integration token (the CLI, a script, another system) issued to an account. <paramref name="TokenId"/> is
/// the token's "jti"; the token itself is shown once and never stored.
public sealed record TokenIssued(string Account, string TokenId, string Name, DateTimeOffset ExpiresAt, string By, DateTimeOffset At);

/// A token revoked one by one: refused on its next request.
public sealed record TokenRevoked(string Account, string TokenId, string By, DateTimeOffset At);
