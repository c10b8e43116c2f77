using PointsEngine.Domain.Workflows;

namespace PointsEngine.Domain.Accounts;

/// The rules of an account's integration tokens and of enabling it again (#18), beside <see cref="AccountRules"/>.
public static class AccountTokens
{
    public const int DefaultLifetimeDays = 90;
    public const int MaxLifetimeDays = 365;
    public const int MaxNameLength = 60;

    /// A token for a script or another system: named, for 1–365 days, to an account that is not disabled.
    /// The id is the token's "jti", chosen outside (randomness is not pure).
    public static AccountDecision Issue(AccountState? state, string tokenId, string? name, int? days, string by, DateTimeOffset now)
    {
        if (state is null) return AccountDecision.No(UnknownAccount);
        var lifetime = days ?? DefaultLifetimeDays;
        var label = name?.Trim() ?? "";
        if (label.Length is 0 or > MaxNameLength)
            return AccountDecision.No(new Refusal(RefusalKind.Invalid, "name-required",
                $"请给令牌起个名字（1–{MaxNameLength} 字，例如“导入脚本”），以便日后认出并收回。", $"Name the token (1–{MaxNameLength} characters, e.g. \"import script\") so it can be recognised and revoked later."));
        if (lifetime is < 1 or > MaxLifetimeDays)
            return AccountDecision.No(new Refusal(RefusalKind.Invalid, "out-of-range",
                $"令牌有效期须为 1–{MaxLifetimeDays} 天。", $"A token lasts 1–{MaxLifetimeDays} days."));
        if (state.Disabled)
            return AccountDecision.No(new Refusal(RefusalKind.Conflict, "account-disabled",
                "该账号已停用，不能签发令牌。", "The account is disabled; no token can be issued to it."));
        if (state.Tokens.ContainsKey(tokenId)) return AccountDecision.Of();
        return AccountDecision.Of(new TokenIssued(state.Account, tokenId, label, now.AddDays(lifetime), by, now));
    }

    /// Revoking twice, or a token that expired already, changes nothing more.
    public static AccountDecision Revoke(AccountState? state, string tokenId, string by, DateTimeOffset now)
    {
        if (state is null || !state.Tokens.TryGetValue(tokenId, out var token))
            return AccountDecision.No(new Refusal(RefusalKind.NotFound, "unknown-token", "该账号没有这个令牌。", "The account has no such token."));
        return token.RevokedAt is null ? AccountDecision.Of(new TokenRevoked(state.Account, tokenId, by, now)) : AccountDecision.Of();
    }

    public static AccountDecision Enable(AccountState? state, string by, DateTimeOffset now) =>
        state is null ? AccountDecision.No(UnknownAccount)
        : state.Disabled ? AccountDecision.Of(new AccountEnabled(state.Account, by, now)) : AccountDecision.Of();

    public static readonly Refusal UnknownAccount = new(RefusalKind.NotFound, "unknown-account", "没有这个账号。", "There is no such account.");
}
