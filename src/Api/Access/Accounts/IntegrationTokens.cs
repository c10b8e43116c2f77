using PointsEngine.Api.Registry;
using PointsEngine.Domain.Accounts;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Access.Accounts;

/// Integration tokens (#18): issued to an account (the CLI, a script, another system), named, listed,
/// revocable one by one, every issue and revocation an account event. A token issued to an account carries
/// its id ("jti") and the account ("acc"); on every request the account decides: the token must be one it
/// was issued and not revoked, and the account enabled. What the token may do is the account's role as it
/// stands, not a copy in the token.
public sealed class IntegrationTokens(AccountBook book, TokenService tokens, OrganisationDirectory directory, TimeProvider clock)
{
    public sealed record Issued(string Token, IntegrationToken Info);

    /// Issues a token; the same idempotency key (a form submitted twice, a retried request) returns the same
    /// token and appends nothing the second time, since the id and the signed content derive from it.
    public Task<(Issued? Issued, Refusal? Refusal)> IssueAsync(string account, string? name, int? days, string by, string? idempotencyKey, CancellationToken ct) =>
        IssueAsync(book, tokens, clock, account, name, days, by, idempotencyKey, ct);

    /// The same, for the command line (init-admin), which has a book and a key but no server.
    public static async Task<(Issued? Issued, Refusal? Refusal)> IssueAsync(AccountBook book, TokenService tokens, TimeProvider clock,
        string account, string? name, int? days, string by, string? idempotencyKey, CancellationToken ct)
    {
        var tokenId = idempotencyKey is null ? Guid.NewGuid().ToString("N") : AccountBook.Stamp($"token\n{account}\n{idempotencyKey}")[..32];
        var (state, refused) = await book.DecideAsync(account, s => AccountTokens.Issue(s, tokenId, name, days, by, clock.GetUtcNow()), by, ct).ConfigureAwait(false);
        if (refused is not null) return (null, refused);
        var info = state!.Tokens[tokenId];
        var role = Roles.TryParse(state.Role, out var r) ? r : Role.Member;
        var token = tokens.Issue(new AccessToken(state.Account, state.Name, role, [], state.Member, info.IssuedAt, info.ExpiresAt, tokenId), state.Account);
        return (new Issued(token, info), null);
    }

    public Task<(AccountState? State, Refusal? Refusal)> RevokeAsync(string account, string tokenId, string by, CancellationToken ct) =>
        book.DecideAsync(account, s => AccountTokens.Revoke(s, tokenId, by, clock.GetUtcNow()), by, ct);

    /// A validated token's grant on this request: tokens issued to an account are checked against it (not
    /// revoked, account enabled, member still in the organisation) and get the account's current role.
    /// Tokens without an account (issued before #18, or by `POST /api/access/tokens`) keep their claims.
    public async Task<TokenCheck> CheckAsync(TokenCheck check, CancellationToken ct)
    {
        if (check.Grant is not { } claimed || check.Account is not { } account) return check;
        await book.CatchUpAsync(ct).ConfigureAwait(false);
        if (book.Find(account) is not { } state || !state.Tokens.TryGetValue(claimed.TokenId, out var issued) || issued.RevokedAt is not null)
            return TokenCheck.Revoked;
        if (AccountBook.GrantOf(state, directory.Current, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), null) is not { } grant)
            return TokenCheck.Failed("account-disabled");
        return TokenCheck.Valid(grant with { IssuedAt = issued.IssuedAt, ExpiresAt = issued.ExpiresAt, TokenId = issued.TokenId }, account);
    }

    /// The whole check of a token sent outside the Authorization header (the page cookie): as the API does it.
    public async Task<TokenCheck> ValidateAsync(string token, CancellationToken ct) =>
        await CheckAsync(await tokens.ValidateAsync(token).ConfigureAwait(false), ct).ConfigureAwait(false);
}
