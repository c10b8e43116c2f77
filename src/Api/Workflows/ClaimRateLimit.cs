using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;

namespace PointsEngine.Api.Workflows;

/// Claim submissions per signed-in account (#16 finding 2.5), with ASP.NET Core's rate limiter: a fixed
/// window of Claims:SubmissionsPerWindow per Claims:RateWindowSeconds, per account — not per address, so
/// members behind one office NAT do not share a limit. Refused before the body is read, with 429, Retry-After
/// and a bilingual problem naming the setting.
public static class ClaimRateLimit
{
    public const string Policy = "claims";

    public static IServiceCollection AddClaimRateLimit(this IServiceCollection services) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.AddPolicy(Policy, http =>
        {
            var limits = http.RequestServices.GetRequiredService<IOptions<ClaimSettings>>().Value;
            // Anonymous requests are refused by authorisation before they get here; no partition for them.
            var account = http.User.FindFirst(Caller.SubjectClaim)?.Value;
            // The 申报 page shares the policy with the API's POST; reading that page is not a submission.
            return string.IsNullOrEmpty(account) || HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
                ? RateLimitPartition.GetNoLimiter("anonymous")
                : RateLimitPartition.GetFixedWindowLimiter(account, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, limits.SubmissionsPerWindow),
                    Window = TimeSpan.FromSeconds(Math.Max(1, limits.RateWindowSeconds)),
                    QueueLimit = 0,
                });
        });
        o.OnRejected = async (context, ct) =>
        {
            var limits = context.HttpContext.RequestServices.GetRequiredService<IOptions<ClaimSettings>>().Value;
            var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(limits.RateWindowSeconds);
            context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var problem = new ApiProblem(StatusCodes.Status429TooManyRequests, "claims-rate-limit",
                $"申报提交过于频繁：每个账号每 {limits.RateWindowSeconds} 秒最多 {limits.SubmissionsPerWindow} 次（Claims:SubmissionsPerWindow）。请 {Math.Ceiling(wait.TotalSeconds)} 秒后再试。",
                $"Too many claims submitted: at most {limits.SubmissionsPerWindow} per account per {limits.RateWindowSeconds} s (Claims:SubmissionsPerWindow). Retry in {Math.Ceiling(wait.TotalSeconds)} s.");
            await problem.ToResult().ExecuteAsync(context.HttpContext);
        };
    });
}
