using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using PointsEngine.Api.Registry;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.Store;

namespace PointsEngine.Api.Access.Accounts;

/// The accounts (#18), folded from the log's "accounts" stream and caught up before every lookup, so a
/// session ended or an account disabled by another process counts on the next request. Steps are decided
/// by the pure <see cref="AccountRules"/> on the folded state and appended at the stream's revision.
public sealed class AccountBook(IEventStore store, EventSerializer serializer, TimeProvider clock)
{
    public static readonly StreamName Stream = new("accounts");

    private sealed record Book(
        ImmutableDictionary<string, AccountState> Accounts,
        ImmutableDictionary<string, string> ByLogin,
        ImmutableDictionary<string, string> ByInvitation,
        ImmutableDictionary<string, string> BySession,
        StreamRevision? Revision)
    {
        public static readonly Book Empty = new(ImmutableDictionary<string, AccountState>.Empty, ImmutableDictionary<string, string>.Empty,
            ImmutableDictionary<string, string>.Empty, ImmutableDictionary<string, string>.Empty, null);

        public Book Apply(object e)
        {
            if (AccountOf(e) is not { } id) return this;
            Accounts.TryGetValue(id, out var before);
            var after = AccountRules.Evolve(before, e);
            if (after is null) return this;
            var byLogin = ByLogin;
            if (before is not null) byLogin = byLogin.Remove(LoginKey(before.LoginName));
            byLogin = byLogin.SetItem(LoginKey(after.LoginName), id);
            var byInvitation = ByInvitation.SetItems(after.Invitations.Select(i => KeyValuePair.Create(i.Stamp, id)));
            var bySession = BySession.RemoveRange(before?.Sessions.Keys ?? []).SetItems(after.Sessions.Keys.Select(k => KeyValuePair.Create(k, id)));
            return new Book(Accounts.SetItem(id, after), byLogin, byInvitation, bySession, Revision);
        }
    }

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Book _book = Book.Empty;

    /// Login names compare without spaces, dashes and case ("138 0013 8000" is "13800138000").
    public static string LoginKey(string login) =>
        new([.. login.Normalize(NormalizationForm.FormKC).Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToLowerInvariant)]);

    /// The digest under which a secret (a link's code, a session cookie, a password hash) is kept in the log.
    public static string Stamp(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// A new secret for a link or a cookie: 256 random bits, URL-safe.
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task CatchUpAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await FoldAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task FoldAsync(CancellationToken ct)
    {
        var book = _book;
        var from = book.Revision is { } last ? last.Next() : StreamRevision.Start;
        await foreach (var e in store.ReadStreamAsync(Stream, from, int.MaxValue, ct).ConfigureAwait(false))
            book = book.Apply(serializer.Deserialize(e)) with { Revision = e.Revision };
        _book = book;
    }

    public AccountState? Find(string account) => _book.Accounts.GetValueOrDefault(account);

    public AccountState? FindByLogin(string login) => _book.ByLogin.TryGetValue(LoginKey(login), out var id) ? Find(id) : null;

    public AccountState? FindByInvitation(string code) => _book.ByInvitation.TryGetValue(Stamp(code), out var id) ? Find(id) : null;

    public AccountState? FindBySession(string cookie) => _book.BySession.TryGetValue(Stamp(cookie), out var id) ? Find(id) : null;

    public IEnumerable<AccountState> All => _book.Accounts.Values;

    /// Decides a step of one account on its latest state and appends what it decided; retried when another
    /// writer appended first. Returns the state after the step, or the refusal.
    public async Task<(AccountState? State, Refusal? Refusal)> DecideAsync(string account, Func<AccountState?, AccountDecision> decide, string by, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await FoldAsync(ct).ConfigureAwait(false);
                var book = _book;
                var decision = decide(book.Accounts.GetValueOrDefault(account));
                if (decision.Refusal is { } refused) return (book.Accounts.GetValueOrDefault(account), refused);
                if (decision.Events.Count == 0) return (book.Accounts.GetValueOrDefault(account), null);
                var expected = book.Revision is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
                var metadata = new EventMetadata(clock.GetUtcNow(), by);
                await store.AppendToStreamAsync(Stream, expected, [.. decision.Events.Select(e => serializer.ToEventData(Guid.NewGuid(), e, metadata))], ct)
                    .ConfigureAwait(false);
                await FoldAsync(ct).ConfigureAwait(false);
                return (_book.Accounts.GetValueOrDefault(account), null);
            }
            catch (WrongExpectedRevisionException) when (attempt < 5)
            {
                // Another process appended first: fold it and decide again.
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// Who the account's holder is on this request, from the account and the organisation as they stand
    /// now (the role is never copied into the session); null when the account may not sign in (disabled,
    /// or a member who has left the organisation).
    public static AccessToken? GrantOf(AccountState state, OrganisationSnapshot org, DateOnly today, SessionStarted? session)
    {
        if (state.Disabled || !Roles.TryParse(state.Role, out var role)) return null;
        IReadOnlyList<BranchId> branches;
        if (state.Member is { } m)
        {
            if (!org.Members.TryGetValue(m, out var entry) || entry.HasLeftBy(today.AddDays(1))) return null;
            // A member keeps a branch as its secretary while the organisation's facts say so (appointed, not
            // relieved, still in the branch), never because the account says so; an admin stays an admin,
            // an appraiser who is appointed secretary records for the branch.
            var held = org.SecretaryOf(m, today);
            if (role != Role.Admin) role = held.Count > 0 ? Role.Secretary : role == Role.Appraiser ? Role.Appraiser : Role.Member;
            branches = role == Role.Secretary ? held : [];
        }
        else branches = role == Role.Secretary ? [.. state.Branches.Where(org.Branches.ContainsKey)] : [];
        return new AccessToken(state.Account, state.Name, role, branches, state.Member,
            session?.At ?? DateTimeOffset.MinValue, session?.ExpiresAt ?? DateTimeOffset.MaxValue, session?.Session ?? "");
    }

    private static string? AccountOf(object e) => e switch
    {
        AccountInvited x => x.Account,
        InvitationWithdrawn x => x.Account,
        AccountActivated x => x.Account,
        PasswordChanged x => x.Account,
        AccountRoleSet x => x.Account,
        AccountDisabled x => x.Account,
        SessionStarted x => x.Account,
        SessionEnded x => x.Account,
        AccountEnabled x => x.Account,
        TokenIssued x => x.Account,
        TokenRevoked x => x.Account,
        _ => null,
    };
}
