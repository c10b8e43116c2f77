using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// Volunteer service (志愿服务 / 做24小时党员), hours verified by the organiser.
public static class VolunteerServiceEndpoints
{
    /// Hours: more than 0, at most 24, two decimals. Verifier defaults to the caller's name.
    public sealed record LogVolunteerServiceRequest(string? Member, decimal? Hours, string? Activity, string? Verifier, DateOnly? OccurredOn);

    public static RouteGroupBuilder MapVolunteerService(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/volunteer-service").WithTags("Volunteer service 志愿服务");

        group.MapPost("", (LogVolunteerServiceRequest body, Caller caller, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) =>
            {
                var e = new FieldErrors();
                var member = e.Id<MemberId>(body.Member, "member");
                var hours = e.Decimal(body.Hours, "hours");
                var activity = e.Text(body.Activity, "activity", max: 200);
                var verifier = e.Text(body.Verifier ?? caller.Name, "verifier", max: 100);
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return Done(e.ToProblem());
                return Done(KnownMember(org, member!.Value) ?? Draft.Of(new VolunteerServiceLogged(id, on!.Value, member.Value, hours!.Value, activity!, verifier!)));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Log verified volunteer hours 登记志愿服务");

        return group;
    }
}
