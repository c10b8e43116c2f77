using PointsEngine.Domain.Accounts;
using PointsEngine.Store;

namespace PointsEngine.Api.Access.Accounts;

/// The audit view's reading of the accounts stream (#18): what happened to which account, who did it, when.
/// Secrets never appear: the log holds only their digests, and the view shows none of those either.
public sealed class AccountAudit(IEventStore store, EventSerializer serializer)
{
    public sealed record Entry(long Revision, string Kind, string KindName, string Account, string By, DateTimeOffset At, string Detail);

    /// The kinds an admin can filter by, with their Chinese names, in the order of an account's life.
    public static readonly IReadOnlyList<(string Kind, string Name)> Kinds =
    [
        ("invited", "邀请"), ("invitation-withdrawn", "收回链接"), ("activated", "开通（设置密码）"), ("password-changed", "修改密码"),
        ("role-set", "设置角色"), ("disabled", "停用"), ("enabled", "启用"), ("session-started", "登录"), ("session-ended", "退出/登录结束"),
        ("token-issued", "签发令牌"), ("token-revoked", "收回令牌"),
    ];

    /// Newest first; <paramref name="account"/> matches the account id exactly, <paramref name="kind"/> one of <see cref="Kinds"/>.
    public async Task<IReadOnlyList<Entry>> ReadAsync(string? account, string? kind, int limit, CancellationToken ct)
    {
        var entries = new List<Entry>();
        var tokenNames = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var e in store.ReadStreamAsync(AccountBook.Stream, StreamRevision.Start, int.MaxValue, ct).ConfigureAwait(false))
        {
            var happened = serializer.Deserialize(e);
            if (happened is TokenIssued issued) tokenNames[issued.TokenId] = issued.Name;
            if (Describe(happened, tokenNames) is not { } d) continue;
            if (account is { Length: > 0 } && d.Account != account) continue;
            if (kind is { Length: > 0 } && d.Kind != kind) continue;
            entries.Add(new Entry((long)e.Revision.Value, d.Kind, Kinds.First(k => k.Kind == d.Kind).Name, d.Account, e.Metadata.RecordedBy, e.Metadata.OccurredAt, d.Detail));
        }
        entries.Reverse();
        return entries.Count > limit ? entries[..limit] : entries;
    }

    private static (string Kind, string Account, string Detail)? Describe(object e, Dictionary<string, string> tokenNames) => e switch
    {
        AccountInvited i => ("invited", i.Account, $"登录名 {i.LoginName}，{i.Name}，角色 {i.Role}，链接 {i.ExpiresAt.ToOffset(China):yyyy-MM-dd HH:mm} 前有效"),
        InvitationWithdrawn w => ("invitation-withdrawn", w.Account, ""),
        AccountActivated a => ("activated", a.Account, ""),
        PasswordChanged p => ("password-changed", p.Account, "通过一次性链接"),
        AccountRoleSet r => ("role-set", r.Account, $"角色 {r.Role}{(r.Branches.Count > 0 ? "，支部 " + string.Join("、", r.Branches) : "")}"),
        AccountDisabled d => ("disabled", d.Account, d.Reason),
        AccountEnabled n => ("enabled", n.Account, ""),
        SessionStarted s => ("session-started", s.Account, $"{s.Device}{(s.Remember ? "，保持登录" : "")}"),
        SessionEnded s => ("session-ended", s.Account, s.Reason),
        TokenIssued t => ("token-issued", t.Account, $"“{t.Name}”，{t.ExpiresAt.ToOffset(China):yyyy-MM-dd} 到期"),
        TokenRevoked t => ("token-revoked", t.Account, $"“{tokenNames.GetValueOrDefault(t.TokenId, "?")}”"),
        _ => null,
    };

    private static readonly TimeSpan China = TimeSpan.FromHours(8);
}
