using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// Valuable suggestions (合理化建议): submitted by the member (or recorded for them), assessed by the
/// branch committee. Points come from the assessment.
public static class SuggestionEndpoints
{
    public sealed record SubmitSuggestionRequest(string? Member, string? Title, DateOnly? OccurredOn);

    /// Level in English or Chinese: General 一般, Valuable 有价值, HighlyValuable 重要价值, Adopted 采纳.
    /// Assessor defaults to the caller's name.
    public sealed record AssessSuggestionRequest(string? Level, string? Assessor, DateOnly? OccurredOn);

    public static RouteGroupBuilder MapSuggestions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/suggestions").WithTags("Suggestions 合理化建议");

        group.MapPost("", (SubmitSuggestionRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) => Done(Submission(body.Member, body.Title, body.OccurredOn, org,
                (member, branch, title, on) => new SuggestionSubmitted(id, on, member, branch, title))), ct))
            .RequireAuthorization(AccessPolicies.Submitter).DocumentedAsWrite().WithSummary("Submit a suggestion 提交建议");

        group.MapPost("/{suggestion}/assessments", (string suggestion, AssessSuggestionRequest body, Caller caller, IFactLookup lookup,
                [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, async (id, _, token) =>
            {
                var e = new FieldErrors();
                var target = e.Id<FactId>(suggestion, "suggestion");
                var level = e.Enum<SuggestionLevel>(body.Level, "level");
                var assessor = e.Text(body.Assessor ?? caller.Name, "assessor", max: 100);
                var on = e.Date(body.OccurredOn, "occurredOn");
                if (e.Any) return e.ToProblem();
                if (await lookup.FindAsync(target!.Value, token) is not { Fact: SuggestionSubmitted submitted })
                    return FactConsistency.UnknownFact("suggestion", target.Value, "建议", "suggestion");
                return Draft.Of(new SuggestionAssessed(id, on!.Value, submitted.FactId, submitted.Member, level!.Value, assessor!));
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Assess a suggestion 评定建议");

        return group;
    }
}
