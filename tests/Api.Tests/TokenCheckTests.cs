using PointsEngine.Api.Access;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// TokenService remembers tokens it has checked (a client sends the same one with every request); what
/// it remembers must answer exactly as a fresh check would.
public sealed class a_token_checked_before
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly TokenService _tokens;

    public a_token_checked_before() => _tokens = new TokenService(SigningKey.FromText(new string('k', 40), "test"), _clock);

    [Fact]
    public void expires_on_time_although_it_was_valid_when_first_checked()
    {
        var (token, _) = _tokens.IssueNew("secretary-b1", "书记", Role.Secretary, [BranchId.Parse("b1")], null, TimeSpan.FromHours(1));
        Assert.NotNull(_tokens.Check(token).Grant);

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(_tokens.Check(token).Grant);
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("token-expired", _tokens.Check(token).Failure);
    }

    [Fact]
    public void answers_with_the_same_grant_as_a_fresh_check()
    {
        var (token, grant) = _tokens.IssueNew("member-m1", "党员", Role.Member, [BranchId.Parse("b1")], MemberId.Parse("m-01"), TimeSpan.FromHours(1));
        var fresh = new TokenService(SigningKey.FromText(new string('k', 40), "test"), _clock);

        _tokens.Check(token);
        var remembered = _tokens.Check(token).Grant!;

        Assert.Equal(fresh.Check(token).Grant!.Subject, remembered.Subject);
        Assert.Equal(grant.Role, remembered.Role);
        Assert.Equal(grant.Member, remembered.Member);
        Assert.Equal(grant.Branches, remembered.Branches);
        Assert.Equal(grant.ExpiresAt, remembered.ExpiresAt);
    }

    [Fact]
    public void is_remembered_by_the_service_that_checked_it_only()
    {
        var (token, _) = _tokens.IssueNew("admin-1", "管理员", Role.Admin, [], null, TimeSpan.FromHours(1));
        Assert.NotNull(_tokens.Check(token).Grant);
        var other = new TokenService(SigningKey.FromText(new string('x', 40), "other"), _clock);

        Assert.Equal("invalid-signature", other.Check(token).Failure);
        Assert.Equal("invalid-signature", other.Check(token).Failure);
    }
}
