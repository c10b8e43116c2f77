using PointsEngine.Api.Access;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// TokenService signs with Microsoft.IdentityModel and checks tokens as the JwtBearer handler does (#18):
/// expiry on the server's clock, the signature with the server's key, and the claims the engine needs.
public sealed class a_token_checked_by_the_standard_handler
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly TokenService _tokens;

    public a_token_checked_by_the_standard_handler() => _tokens = new TokenService(SigningKey.FromText(new string('k', 40), "test"), _clock);

    [Fact]
    public async Task expires_on_time_by_the_server_clock()
    {
        var (token, _) = _tokens.IssueNew("secretary-b1", "书记", Role.Secretary, [BranchId.Parse("b1")], null, TimeSpan.FromHours(1));
        Assert.NotNull((await _tokens.ValidateAsync(token)).Grant);

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull((await _tokens.ValidateAsync(token)).Grant);
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("token-expired", (await _tokens.ValidateAsync(token)).Failure);
    }

    [Fact]
    public async Task carries_the_grant_it_was_issued_with()
    {
        var (token, grant) = _tokens.IssueNew("member-m1", "党员", Role.Member, [BranchId.Parse("b1"), BranchId.Parse("b2")], MemberId.Parse("m-01"),
            TimeSpan.FromHours(1), account: "m-01");

        var check = await _tokens.ValidateAsync(token);

        Assert.Equal(grant.Subject, check.Grant!.Subject);
        Assert.Equal(grant.Role, check.Grant.Role);
        Assert.Equal(grant.Member, check.Grant.Member);
        Assert.Equal(grant.Branches, check.Grant.Branches);
        Assert.Equal(grant.ExpiresAt.ToUnixTimeSeconds(), check.Grant.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal(grant.TokenId, check.Grant.TokenId);
        Assert.Equal("m-01", check.Account);
    }

    [Fact]
    public async Task signed_with_another_key_or_altered_or_unsigned_is_refused()
    {
        var (token, _) = _tokens.IssueNew("admin-1", "管理员", Role.Admin, [], null, TimeSpan.FromHours(1));
        var other = new TokenService(SigningKey.FromText(new string('x', 40), "other"), _clock);

        Assert.Equal("invalid-signature", (await other.ValidateAsync(token)).Failure);
        var parts = token.Split('.');
        // "alg": "none" with the signature dropped: never accepted.
        var none = Convert.ToBase64String("""{"alg":"none","typ":"JWT"}"""u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Null((await _tokens.ValidateAsync($"{none}.{parts[1]}.")).Grant);
        Assert.Equal("malformed-token", (await _tokens.ValidateAsync("not-a-token")).Failure);
    }
}
