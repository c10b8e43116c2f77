using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using static PointsEngine.Api.Writing.Drafts;

namespace PointsEngine.Api.Features;

/// A meeting with its whole attendance list in one request (三会一课, 主题党日 …): one fact, so the list
/// is recorded whole or not at all.
public static class MeetingEndpoints
{
    /// Kind and statuses in English or Chinese ("GeneralMeeting" / "党员大会", "Excused" / "请假");
    /// mode defaults to InPerson (现场).
    public sealed record RecordMeetingRequest(
        DateOnly? OccurredOn, string? Group, string? Kind, string? Mode, string? Topic, List<AttendanceLine?>? Attendance);

    public sealed record AttendanceLine(string? Member, string? Status);

    public static RouteGroupBuilder MapMeetings(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/branches/{branch}/meetings").WithTags("Meetings 组织生活");

        group.MapPost("", (string branch, RecordMeetingRequest body, [AsParameters] WriteOptions write, FactWriter writer, CancellationToken ct) =>
            writer.RecordAsync(write, (id, _, _) => Done(Build(id, branch, body)), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Record a meeting and its attendance 登记会议及签到");

        return group;
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
