using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// A meeting with its whole attendance list in one request (三会一课, 主题党日 …): one fact, so the list
/// is recorded whole or not at all.
public static class MeetingEndpoints
{
    /// Kind and statuses in English or Chinese ("GeneralMeeting" / "党员大会", "Excused" / "请假");
    /// mode defaults to InPerson (现场).
    public sealed record RecordMeetingRequest(
        DateOnly? OccurredOn, string? Group, string? Kind, string? Mode, string? Topic, List<AttendanceLine?>? Attendance, bool? Another = null);

    public sealed record AttendanceLine(string? Member, string? Status);

    public static RouteGroupBuilder MapMeetings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/branches/{branch}/meetings").WithTags("Meetings 组织生活");

        group.MapPost("", (string branch, RecordMeetingRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, async (id, _, token) => await BuildNewAsync(id, branch, body, write.Http.RequestServices, null, token), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Record a meeting and its attendance 登记会议及签到");

        return group;
    }

    /// <see cref="Build"/>, refused with 409 when the branch has this meeting (date, kind, group, topic) on
    /// record under another id and the request does not say it is another meeting (#19 problem 1: entering a
    /// meeting again to correct it counted it twice). <paramref name="found"/> hears the meeting on record.
    internal static async Task<Draft> BuildNewAsync(FactId id, string branch, RecordMeetingRequest body, IServiceProvider services, Action<FactId>? found, CancellationToken ct)
    {
        var draft = Build(id, branch, body);
        if (body.Another == true || draft.Fact is not MeetingHeld m) return draft;
        if (await ReadModelsOrNull(services, reads => reads.MeetingOnRecordAsync(m.Branch, m.OccurredOn, m.Kind.ToString(), m.Group, m.Topic, ct)) is not { } existing
            || existing == id) return draft;
        found?.Invoke(existing);
        return ApiProblem.Field(StatusCodes.Status409Conflict, "topic", "meeting-exists",
            $"本支部 {m.OccurredOn:yyyy-MM-dd} 的{ChineseNames.Of(m.Kind)}「{m.Topic}」已登记（{existing}），未重复登记；如需更正请更正该会议（POST /api/facts/{existing}/amendments），确是另一场会议请换一个主题或注明 another=true。",
            $"This branch's {m.Kind} \"{m.Topic}\" on {m.OccurredOn:yyyy-MM-dd} is on record ({existing}); nothing was recorded. Correct that meeting (POST /api/facts/{existing}/amendments), or for another meeting give a distinct topic or another=true.");
    }

    /// What the read models answer, or null while they are not there (start-up, a server without them): the
    /// check is then left out, as the fact lookup falls back (StoreFactLookup), never a 500.
    internal static async Task<T?> ReadModelsOrNull<T>(IServiceProvider services, Func<ReadModels, Task<T?>> read) where T : struct
    {
        try
        {
            return await read(services.GetRequiredService<ReadModels>());
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.Data.Common.DbException)
        {
            return null;
        }
    }

    /// Also the web page's meeting form (Pages/Branches/Meeting): one set of checks for both.
    internal static Draft Build(FactId id, string branch, RecordMeetingRequest body)
    {
        var e = new FieldErrors();
        var branchId = e.Id<BranchId>(branch, "branch");
        var on = e.Date(body.OccurredOn, "occurredOn");
        var partyGroup = e.Id<PartyGroupId>(body.Group, "group", required: false);
        var kind = e.Enum<MeetingKind>(body.Kind, "kind");
        var mode = e.Enum<MeetingMode>(body.Mode, "mode", required: false) ?? MeetingMode.InPerson;
        var topic = e.Text(body.Topic, "topic", max: 200);
        var attendance = new List<AttendanceEntry>();
        if (body.Attendance is null) e.Missing("attendance");
        else
        {
            for (var i = 0; i < body.Attendance.Count; i++)
            {
                var line = body.Attendance[i];
                if (line is null) { e.Missing($"attendance[{i}]"); continue; }
                var member = e.Id<MemberId>(line.Member, $"attendance[{i}].member");
                var status = e.Enum<AttendanceStatus>(line.Status, $"attendance[{i}].status");
                if (member is { } m && status is { } s) attendance.Add(new AttendanceEntry(m, s));
            }
        }
        if (e.Any) return e.ToProblem();
        return Draft.Of(new MeetingHeld(id, on!.Value, branchId!.Value, partyGroup, kind!.Value, mode, topic!, attendance));
    }
}
