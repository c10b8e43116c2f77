using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// Golden ideas (金点子): submitted by the member (or recorded for them), awarded a level by a panel,
/// later perhaps marked implemented (实施).
public static class GoldenIdeaEndpoints
{
    public sealed record SubmitGoldenIdeaRequest(string? Member, string? Title, DateOnly? OccurredOn);

    /// Level in English or Chinese: First 一等奖, Second 二等奖, Third 三等奖, Honourable 鼓励奖.
    /// Panel defaults to the caller's name.
    public sealed record AwardGoldenIdeaRequest(string? Level, string? Panel, DateOnly? OccurredOn);

    public sealed record ImplementGoldenIdeaRequest(DateOnly? OccurredOn);

    public static RouteGroupBuilder MapGoldenIdeas(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/golden-ideas").WithTags("Golden ideas 金点子");

        group.MapPost("", (SubmitGoldenIdeaRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) => Done(Submission(body.Member, body.Title, body.OccurredOn, org,
                (member, branch, title, on) => new GoldenIdeaSubmitted(id, on, member, branch, title))), ct))
            .RequireAuthorization(AccessPolicies.Submitter).DocumentedAsWrite().WithSummary("Submit a golden idea 提交金点子");

        group.MapPost("/{idea}/awards", (string idea, AwardGoldenIdeaRequest body, Caller caller, IFactLookup lookup,
                [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, async (id, _, token) =>
            {
                var e = new FieldErrors();
                var target = e.Id<FactId>(idea, "idea");
                var level = e.Enum<GoldenIdeaLevel>(body.Level, "level");
                var panel = e.Text(body.Panel ?? caller.Name, "panel", max: 100);
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return e.ToProblem();
                if (await FindIdeaAsync(lookup, target!.Value, token) is not { } submitted)
                    return FactConsistency.UnknownFact("idea", target.Value, "金点子", "golden idea");
                return Draft.Of(new GoldenIdeaAwarded(id, on!.Value, submitted.FactId, submitted.Member, level!.Value, panel!));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Award a golden idea 金点子评奖");

        group.MapPost("/{idea}/implementations", (string idea, ImplementGoldenIdeaRequest body, IFactLookup lookup,
                [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, async (id, _, token) =>
            {
                var e = new FieldErrors();
                var target = e.Id<FactId>(idea, "idea");
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return e.ToProblem();
                if (await FindIdeaAsync(lookup, target!.Value, token) is not { } submitted)
                    return FactConsistency.UnknownFact("idea", target.Value, "金点子", "golden idea");
                return Draft.Of(new GoldenIdeaImplemented(id, on!.Value, submitted.FactId, submitted.Member));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Mark a golden idea implemented 金点子实施");

        return group;
    }

    private static async Task<GoldenIdeaSubmitted?> FindIdeaAsync(IFactLookup lookup, FactId idea, CancellationToken ct) =>
        (await lookup.FindAsync(idea, ct))?.Fact as GoldenIdeaSubmitted;
}
