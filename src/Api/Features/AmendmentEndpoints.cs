using System.Text.Json;
using Newtonsoft.Json.Linq;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Features;

/// Correcting a recorded fact as one act (#19): the fact's fields to change, and why. Recorded as the
/// revocation of the fact and its corrected version in one atomic append (Amendments); the same correction
/// sent again is answered with the first result.
public static class AmendmentEndpoints
{
    /// <c>changes</c>: the fields to change, named as the fact stores them (GET the fact's evidence to see
    /// them), e.g. <c>{"Attendance": [{"Member": "d001", "Status": "Absent"}]}</c> or <c>{"Points": "-3"}</c>.
    /// <c>occurredOn</c> dates the revocation (default: today).
    public sealed record AmendFactRequest(string? Reason, DateOnly? OccurredOn, JsonElement? Changes);

    public static RouteGroupBuilder MapAmendments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/facts/{target}/amendments").WithTags("Revocations 撤销");

        group.MapPost("", (string target, AmendFactRequest body, IFactLookup lookup, EventSerializer serializer, TimeProvider clock,
                [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, async (_, _, token) =>
            {
                var e = new FieldErrors();
                var id = e.Id<FactId>(target, "target");
                var reason = e.Text(body.Reason, "reason");
                var on = e.Date(body.OccurredOn ?? DateOnly.FromDateTime(clock.GetLocalNow().DateTime), "occurredOn");
                JObject? changes = null;
                if (body.Changes is not { ValueKind: JsonValueKind.Object } raw) e.Add("changes", "required",
                    "缺少 changes（要更正的字段及新值）。", "changes (the fields to correct and their new values) is required.");
                else changes = Amendments.Json(raw.GetRawText());
                if (e.Any) return e.ToProblem();
                if (await lookup.FindAsync(id!.Value, token) is not { } found) return FactConsistency.UnknownFact("target", id.Value);
                if (Amendments.NotAmendable(found.Fact, "target") is { } refused) return refused;
                var replacement = Amendments.Patch(found.Fact, changes!, serializer.SerializerSettings, e);
                if (replacement is null) return e.ToProblem();
                return await AmendAsync(lookup, write.Http.RequestServices, found.Fact, replacement, reason!, on!.Value, token);
            }, ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Correct a recorded fact 更正记录");

        return group;
    }

    /// The correction's draft, or 409 when the target was revoked or corrected already (otherwise than by this
    /// very correction, which goes on to the writer: a retry is answered with its first result).
    internal static async Task<Draft> AmendAsync(IFactLookup lookup, IServiceProvider services, Domain.Facts.IFact target, Domain.Facts.IFact replacement,
        string reason, DateOnly on, CancellationToken ct)
    {
        var recorded = await lookup.FindInStreamAsync(replacement.FactId, FactStreams.For(replacement), ct);
        if (recorded is null ? await MeetingEndpoints.ReadModelsOrNull<bool>(services, async reads => await reads.RevokedAsync(target.FactId, ct)) == true
                : !Amendments.SameContent(recorded.Fact, replacement))
            return Amendments.AlreadyRevoked(target.FactId, "target");
        return Amendments.Of(target, replacement, reason, on);
    }
}
