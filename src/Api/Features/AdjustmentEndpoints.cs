using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// Manual adjustments (加分 / 扣分) with their reason and approver.
public static class AdjustmentEndpoints
{
    /// Points: positive to add, negative to deduct, two decimals at most.
    public sealed record RecordAdjustmentRequest(string? Member, decimal? Points, string? Reason, string? Approver, DateOnly? OccurredOn);

    public static RouteGroupBuilder MapAdjustments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/adjustments").WithTags("Adjustments 加减分");

        group.MapPost("", (RecordAdjustmentRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) => Done(Build(id, org, body)), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Add or deduct points by hand 手工加减分");

        return group;
    }

    /// Also the 加分/扣分 page (Pages/Branches/Adjustment): one set of checks for both.
    internal static Draft Build(FactId id, Registry.OrganisationSnapshot org, RecordAdjustmentRequest body)
    {
        var e = new FieldErrors();
        var member = e.Id<MemberId>(body.Member, "member");
        var points = e.Decimal(body.Points, "points");
        if (points is { } p && Math.Abs(p) > Points.Limit)
        {
            e.Add("points", "out-of-range", $"积分须在 ±{Points.Limit} 以内。", $"Points must lie within ±{Points.Limit}.");
        }
        var reason = e.Text(body.Reason, "reason");
        var approver = e.Text(body.Approver, "approver", max: 100);
        var on = e.Date(body.OccurredOn, "occurredOn");
        if (e.Any) return e.ToProblem();
        return KnownMember(org, member!.Value) ?? Draft.Of(new ManualAdjustment(id, on!.Value, member.Value, new Points(points!.Value), reason!, approver!));
    }
}
