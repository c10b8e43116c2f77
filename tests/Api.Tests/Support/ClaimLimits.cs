using Microsoft.AspNetCore.Hosting;

namespace PointsEngine.Api.Tests.Support;

public static class ClaimLimits
{
    /// For tests that submit many claims as one member within seconds for another purpose (role matrix,
    /// error shapes): the per-member quotas and rate limit of #16 finding 2.5, tested on their own in
    /// when_a_member_fills_the_disk_with_claims, are lifted out of their way.
    public static IWebHostBuilder WithClaimLimitsLifted(this IWebHostBuilder builder) => builder
        .UseSetting("Claims:SubmissionsPerWindow", "100000")
        .UseSetting("Claims:MaxPendingClaims", "100000");
}
