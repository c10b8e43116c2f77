using PointsEngine.Api.Workflows;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Tests;

/// #16 finding 2.5: the quota decision on its own, over a member's stream as recorded (the rolling period
/// and the decisions that free a place, which the HTTP tests do not reach).
public sealed class when_a_members_claim_quota_is_checked
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly ClaimSettings Limits = new() { MaxPendingClaims = 2, MaxMemberBytesPerPeriod = 1000, QuotaPeriodHours = 24 };

    private static StreamFact Claim(string id, long bytes, TimeSpan ago) => new(new ClaimSubmitted(new FactId(id), new DateOnly(2026, 3, 1),
        new MemberId("m1"), new BranchId("b1"), ClaimKind.Suggestion, "t", "", null, bytes == 0 ? [] : [new ClaimAttachment("a.jpg", "image/jpeg", bytes, "00")]), Now - ago);

    private static StreamFact Rejected(string claim) => new(new ClaimRejected(new FactId($"{claim}-r"), new DateOnly(2026, 3, 2), new FactId(claim),
        new MemberId("m1"), new BranchId("b1"), "no"), Now);

    [Fact]
    public void bytes_recorded_before_the_period_no_longer_count()
    {
        StreamFact[] stream = [Claim("c1", 900, TimeSpan.FromHours(25)), Rejected("c1")];
        Assert.Null(ClaimQuota.Check(stream, 900, Now, Limits));
    }

    [Fact]
    public void bytes_within_the_period_count_and_the_answer_says_when_room_comes_back()
    {
        StreamFact[] stream = [Claim("c1", 600, TimeSpan.FromHours(20)), Rejected("c1")];
        var refusal = ClaimQuota.Check(stream, 401, Now, Limits);
        Assert.Equal("claims-bytes-quota", refusal?.Problem.Code);
        Assert.Equal(TimeSpan.FromHours(4), refusal!.RetryAfter);
        Assert.Null(ClaimQuota.Check(stream, 400, Now, Limits)); // exactly at the quota is allowed
    }

    [Fact]
    public void a_decided_claim_frees_its_pending_place()
    {
        StreamFact[] pending = [Claim("c1", 0, TimeSpan.FromHours(1)), Claim("c2", 0, TimeSpan.FromHours(1))];
        Assert.Equal("claims-pending-quota", ClaimQuota.Check(pending, 0, Now, Limits)?.Problem.Code);
        Assert.Null(ClaimQuota.Check([.. pending, Rejected("c2")], 0, Now, Limits));
    }
}
