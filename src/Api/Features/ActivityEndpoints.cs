using System.Text.Json;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// Activities of the kinds the rule set declares (#22): 参加党校培训, 撰写心得体会, 微党课, … one endpoint for all of them,
/// each record checked against the declaration in force on its date (ActivityRecording, the one home of that check).
public static class ActivityEndpoints
{
    /// Values by field id: a number (`"days": 10`, or `{ "value": 10, "unit": "天" }` to state the unit), a yes/no
    /// (`"cityAward": true`), a level or a text (`"level": "市级"`).
    public sealed record RecordActivityRequest(string? Member, string? Kind, DateOnly? OccurredOn, Dictionary<string, JsonElement>? Values);

    public static RouteGroupBuilder MapActivities(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities").WithTags("Declared activities 活动类别");

        group.MapPost("", (RecordActivityRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, org, _) => Done(Build(id, body, org)), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Record an activity of a declared kind 登记活动");

        return group;
    }

    private static Draft Build(FactId id, RecordActivityRequest body, OrganisationSnapshot org)
    {
        var e = new FieldErrors();
        var member = e.Id<MemberId>(body.Member, "member");
        var kindId = e.Text(body.Kind, "kind", max: 128);
        var on = e.Date(body.OccurredOn, "occurredOn");
        if (e.Any) return e.ToProblem();

        var set = org.Rules.InForceOn(on!.Value);
        if (set is null)
            return ApiProblem.Field(400, "occurredOn", "no-rule-set", $"{on:yyyy-MM-dd} 没有施行中的积分规则集。", $"No rule set is in force on {on:yyyy-MM-dd}.");
        if (set.KindOf(kindId!) is not { } kind)
        {
            var declared = set.Kinds.Count == 0 ? "（无 none）" : string.Join("、", set.Kinds.Select(k => $"{k.Id}（{k.Name}）"));
            return ApiProblem.Field(400, "kind", "unknown-kind",
                $"{on:yyyy-MM-dd} 施行的规则集 {set.Version} 没有声明活动类别“{kindId}”，可选：{declared}。",
                $"The rule set {set.Version} in force on {on:yyyy-MM-dd} declares no activity kind '{kindId}'; declared: {declared}.");
        }
        if (!kind.MayRecord(ActivityRecorder.Secretary))
            return ApiProblem.Field(400, "kind", "claim-only", $"「{kind.Name}」只能由党员本人申报。", $"'{kind.Id}' is recorded only as a member's claim.");

        var (values, problems) = ActivityRecording.Read(kind, Inputs(body.Values));
        foreach (var p in problems) e.Add($"values.{p.Field}", p.Reason.Code, p.Reason.Chinese, p.Reason.English);
        if (e.Any) return e.ToProblem();
        return KnownMember(org, member!.Value)
            ?? Draft.Of(new ActivityLogged(id, on.Value, member.Value, kind.Id, set.Version, values, kind.Name, kind.Describe(values)));
    }

    /// The request's JSON values as typed input; what they mean is the declaration's business.
    private static List<ActivityInput> Inputs(Dictionary<string, JsonElement>? values)
    {
        var inputs = new List<ActivityInput>();
        foreach (var (field, value) in values ?? [])
        {
            inputs.Add(value.ValueKind switch
            {
                JsonValueKind.Number when value.TryGetDecimal(out var n) => new ActivityInput(field, Number: n),
                JsonValueKind.True or JsonValueKind.False => new ActivityInput(field, YesNo: value.GetBoolean()),
                JsonValueKind.String => new ActivityInput(field, Text: value.GetString()),
                JsonValueKind.Object when value.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDecimal(out var n) =>
                    new ActivityInput(field, Number: n, Unit: value.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null),
                JsonValueKind.Null => new ActivityInput(field),
                _ => new ActivityInput(field, Text: value.GetRawText()),
            });
        }
        return inputs;
    }
}
