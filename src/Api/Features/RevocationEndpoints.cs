using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Api.Features;

/// Revoking a mistaken record: facts are never edited, a revocation fact undoes one. The revocation
/// carries the members the target concerned, copied here from the target, so scoring can route it alone.
public static class RevocationEndpoints
{
    public sealed record RevokeFactRequest(string? Target, string? Reason, DateOnly? OccurredOn);

    public static RouteGroupBuilder MapRevocations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/revocations").WithTags("Revocations 撤销");

        group.MapPost("", (RevokeFactRequest body, IFactLookup lookup, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, token) => new ValueTask<Draft>(BuildAsync(id, org, body, lookup, token)), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Revoke a recorded fact 撤销记录");

        return group;
    }

    /// Also the record list's revoke button (Pages/Branches/Facts): one set of checks for both.
    internal static async Task<Draft> BuildAsync(FactId id, OrganisationSnapshot org, RevokeFactRequest body, IFactLookup lookup, CancellationToken ct)
    {
        var e = new FieldErrors();
        var target = e.Id<FactId>(body.Target, "target");
        var reason = e.Text(body.Reason, "reason");
        var on = e.Date(body.OccurredOn, "occurredOn");
        if (e.Any) return e.ToProblem();
        if (await lookup.FindAsync(target!.Value, ct) is not { } found) return FactConsistency.UnknownFact("target", target.Value);
        if (Amendments.MembersOf(found.Fact) is not { } members)
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "target", "not-revocable",
                $"{found.Fact.GetType().Name} 类事实不能撤销（组织、年度和规则另有操作）。",
                $"A {found.Fact.GetType().Name} cannot be revoked (the organisation, calendar and rules have operations of their own).");
        if (org.Calendar.Check(found.Fact.FactId, found.Fact.OccurredOn) is { } closed)
            return ApiProblem.Field(StatusCodes.Status409Conflict, "target", closed.Code, closed.Chinese, closed.English);
        return Draft.Of(new FactRevoked(id, on!.Value, found.Fact.FactId, reason!, members));
    }
}
