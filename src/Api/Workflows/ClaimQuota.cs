using System.Globalization;
using PointsEngine.Api.Problems;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;

namespace PointsEngine.Api.Workflows;

/// A member's claim quotas (#16 finding 2.5), decided purely from the member's facts stream as recorded:
/// how many of their claims wait for a decision, and how many attachment bytes their claims recorded in the
/// last period carry. The submission is appended at the revision it was checked at, so two submissions at
/// once (in one process or two) cannot both use the last of the quota.
public static class ClaimQuota
{
    public sealed record Refusal(ApiProblem Problem, TimeSpan RetryAfter)
    {
        public string RetryAfterSeconds => Math.Max(1, (long)Math.Ceiling(RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    /// When a pending claim frees its place is up to the secretary: a client is told to try again in an hour.
    public static readonly TimeSpan PendingRetryAfter = TimeSpan.FromHours(1);

    public static Refusal? Check(IReadOnlyList<StreamFact> facts, long bytes, DateTimeOffset now, ClaimSettings limits)
    {
        var decided = facts.Select(f => f.Fact switch { ClaimAccepted a => a.Claim, ClaimRejected r => r.Claim, _ => (FactId?)null })
            .OfType<FactId>().ToHashSet();
        var claims = facts.Where(f => f.Fact is ClaimSubmitted).Select(f => (Claim: (ClaimSubmitted)f.Fact, f.RecordedAt)).ToList();
        var pending = claims.Count(c => !decided.Contains(c.Claim.FactId));
        if (pending >= limits.MaxPendingClaims)
            return new Refusal(new ApiProblem(StatusCodes.Status429TooManyRequests, "claims-pending-quota",
                $"待审核的申报已有 {pending} 件，达到每名党员待审核申报上限（Claims:MaxPendingClaims = {limits.MaxPendingClaims}）；请待支部书记处理后再提交。",
                $"{pending} of your claims are waiting for a decision, the limit per member (Claims:MaxPendingClaims = {limits.MaxPendingClaims}); submit again once the secretary has decided some."),
                PendingRetryAfter);

        var period = TimeSpan.FromHours(limits.QuotaPeriodHours);
        var recent = claims.Where(c => c.RecordedAt > now - period).ToList();
        var used = recent.Sum(c => c.Claim.Attachments.Sum(a => a.Size));
        if (bytes > 0 && used + bytes > limits.MaxMemberBytesPerPeriod)
        {
            // Room comes back as the oldest claims of the period leave it.
            var freedAt = recent.Select(c => c.RecordedAt + period).DefaultIfEmpty(now + period).Min();
            return new Refusal(new ApiProblem(StatusCodes.Status413PayloadTooLarge, "claims-bytes-quota",
                $"过去 {limits.QuotaPeriodHours:0.#} 小时内的申报附件已有 {used} 字节，加上本次 {bytes} 字节将超过每名党员附件配额（Claims:MaxMemberBytesPerPeriod = {limits.MaxMemberBytesPerPeriod} 字节）。",
                $"Your claims of the last {limits.QuotaPeriodHours:0.#} hours carry {used} bytes of attachments; this one's {bytes} bytes would pass the quota per member (Claims:MaxMemberBytesPerPeriod = {limits.MaxMemberBytesPerPeriod} bytes)."),
                freedAt - now);
        }
        return null;
    }
}
