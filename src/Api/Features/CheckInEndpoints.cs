using Microsoft.AspNetCore.Http.HttpResults;
using PointsEngine.Api.Access;
using PointsEngine.Api.Problems;
using PointsEngine.Api.Reading;
using PointsEngine.Api.Registry;
using PointsEngine.Api.Web;
using PointsEngine.Api.Workflows;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Api.Features;

/// Meeting check-in (签到, issue #20): the secretary opens a session, members check in from the room's QR
/// code or the group's link (or ask for leave before the start), the secretary approves leave, marks by
/// hand and closes; the closed list is recorded as one MeetingHeld through the meeting's own write path.
/// The pages (Pages/CheckIn) call the same builders, so both make the same checks.
public static class CheckInEndpoints
{
    /// Starts/Ends with their offset (2026-12-07T19:30:00+08:00); GraceMinutes defaults to 0 (late = after the start).
    public sealed record OpenCheckInRequest(string? Kind, string? Topic, string? Mode, string? Group, DateTimeOffset? Starts, DateTimeOffset? Ends, int? GraceMinutes);

    /// Member: only the caller's own id (or none); Via: qr (the room's code) or link (the group's link).
    public sealed record CheckInRequest(string? Member, string? Via);

    public sealed record LeaveRequest(string? Member, string? Reason);

    public sealed record MarkRequest(string? Member, string? Status);

    /// Status: what closing would record now (or recorded, once closed), in English and Chinese.
    public sealed record CheckInLine(string Member, string? Name, DateTimeOffset? CheckedInAt, string? Via, string? LeaveReason, bool LeaveApproved,
        string? Mark, string Status, string StatusName);

    /// Stage: open or closed. Meeting: the fact id the meeting is recorded under (checkin-{session}).
    public sealed record CheckInDocument(string Session, string Branch, string Kind, string KindName, string Topic, string Mode, string? Group,
        DateTimeOffset Starts, DateTimeOffset Ends, int GraceMinutes, string Stage, string Meeting, int Expected, IReadOnlyList<CheckInLine> Lines);

    public static readonly string[] Vias = ["qr", "link"];

    public static RouteGroupBuilder MapCheckIns(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/branches/{branch}/checkins", async (string branch, OpenCheckInRequest body, [AsParameters] WriteOptions write, FactWriter writer,
                WorkflowStreams streams, TimeProvider clock, CancellationToken ct) =>
            {
                var result = await writer.RecordAsync(write, Open(branch, body, streams, clock), ct);
                // Where the session is read: its code comes from the opening fact's id.
                if (result.Result is Created<FactRecorded> created)
                    write.Http.Response.Headers.Location = $"/api/checkins/{CheckIns.SessionOf(new FactId(created.Value!.FactId))}";
                return result;
            })
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithTags("Check-in 签到")
            .WithSummary("Open a meeting for check-in (the answer's Location names the session) 发起签到");

        var group = app.MapGroup("/api/checkins/{session}").WithTags("Check-in 签到");
        group.MapGet("", GetAsync)
            .RequireAuthorization(AccessPolicies.Reader)
            .WithSummary("The session with who checked in, asked leave or was marked (a member sees their own line) 签到情况");
        group.MapPost("/checkins", (string session, CheckInRequest body, [AsParameters] WriteOptions write, FactWriter writer, WorkflowStreams streams,
                TimeProvider clock, CancellationToken ct) => writer.RecordAsync(write, CheckIn(session, body, Caller.From(write.Http.User), streams, clock), ct))
            .RequireAuthorization(AccessPolicies.Member).DocumentedAsWrite().WithSummary("Check in, for oneself only 签到");
        group.MapPost("/leave", (string session, LeaveRequest body, [AsParameters] WriteOptions write, FactWriter writer, WorkflowStreams streams,
                TimeProvider clock, CancellationToken ct) => writer.RecordAsync(write, AskLeave(session, body, Caller.From(write.Http.User), streams, clock), ct))
            .RequireAuthorization(AccessPolicies.Member).DocumentedAsWrite().WithSummary("Ask for leave with a reason before the start 请假");
        group.MapPost("/leave/{member}/approval", (string session, string member, [AsParameters] WriteOptions write, FactWriter writer,
                WorkflowStreams streams, TimeProvider clock, CancellationToken ct) => writer.RecordAsync(write, ApproveLeave(session, member, streams, clock), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Approve a member's leave 批准请假");
        group.MapPost("/marks", (string session, MarkRequest body, [AsParameters] WriteOptions write, FactWriter writer, WorkflowStreams streams,
                TimeProvider clock, CancellationToken ct) => writer.RecordAsync(write, Mark(session, body, streams, clock), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Mark a member by hand 手工标记");
        group.MapPost("/close", (string session, [AsParameters] WriteOptions write, FactWriter writer, WorkflowStreams streams, TimeProvider clock,
                CancellationToken ct) => writer.RecordAsync(write, Close(session, streams, clock), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite().WithSummary("Close check-in: the attendance list is fixed 结束签到");
        group.MapPost("/meeting", (string session, [AsParameters] WriteOptions write, FactWriter writer, WorkflowStreams streams, CancellationToken ct) =>
                writer.RecordAsync(write, RecordMeeting(session, streams), ct))
            .RequireAuthorization(AccessPolicies.Recorder).DocumentedAsWrite()
            .WithSummary("Record the closed session as one meeting (again: the same fact, nothing new) 确认登记会议");
        return group;
    }

    private static async Task<Results<Ok<CheckInDocument>, ProblemHttpResult>> GetAsync(string session, Caller caller, WorkflowStreams streams,
        OrganisationDirectory directory, CancellationToken ct)
    {
        var (state, _) = await ReadAsync(streams, session, ct);
        if (Readable(caller, state, session) is { } refused) return refused.ToResult();
        return TypedResults.Ok(Document(state!, directory.Current, caller));
    }

    public static async Task<(CheckInState? State, ExpectedRevision Expected)> ReadAsync(WorkflowStreams streams, string session, CancellationToken ct)
    {
        if (!ValidCode(session)) return (null, ExpectedRevision.NoStream);
        var (facts, expected) = await streams.ReadAsync(FactStreams.CheckIn(session), ct);
        return (CheckIns.Fold(facts), expected);
    }

    /// Null when the caller may read the session: its branch's secretary, an admin or appraiser, or a member expected at it.
    public static ApiProblem? Readable(Caller caller, CheckInState? state, string session) =>
        state is null ? Unknown(session)
        : ReadAccess.CheckIn(caller, state.Opened.Branch, state.Opened.Scope) ? null
        : WorkflowProblems.Forbidden("checkin-scope", "该签到不属于你的支部或党小组。", "This check-in is not for your branch or party group.");

    public static BuildFact Open(string branch, OpenCheckInRequest body, WorkflowStreams streams, TimeProvider clock) => async (id, org, ct) =>
    {
        var e = new FieldErrors();
        var where = e.Id<BranchId>(branch, "branch");
        var kind = e.Enum<MeetingKind>(body.Kind, "kind");
        var mode = e.Enum<MeetingMode>(body.Mode, "mode", required: false) ?? MeetingMode.InPerson;
        var topic = e.Text(body.Topic, "topic", max: 200);
        var partyGroup = e.Id<PartyGroupId>(string.IsNullOrEmpty(body.Group) ? null : body.Group, "group", required: false);
        if (body.Starts is null) e.Add("starts", "required", "缺少开始时间。", "The start time is required.");
        if (body.Ends is null) e.Add("ends", "required", "缺少签到截止时间。", "The end of the check-in window is required.");
        if (e.Any) return e.ToProblem();
        if (!org.Branches.ContainsKey(where!.Value))
            return ApiProblem.Field(StatusCodes.Status404NotFound, "branch", "unknown-branch", $"支部 {where} 不存在。", $"Branch {where} is not registered.");
        if (partyGroup is { } g && (!org.Groups.TryGetValue(g, out var entry) || entry.Branch != where.Value))
            return ApiProblem.Field(StatusCodes.Status400BadRequest, "group", "group-not-in-branch", $"党小组 {g} 不属于支部 {where}。",
                $"Party group {g} is not a group of branch {where}.");
        var now = clock.GetLocalNow();
        var scope = Roster.Of(org, where.Value, DateOnly.FromDateTime(now.DateTime))
            .Where(m => partyGroup is null || m.Group == partyGroup).Select(m => m.Id).ToList();
        var code = CheckIns.SessionOf(id);
        var (facts, expected) = await streams.ReadAsync(FactStreams.CheckIn(code), ct);
        var decision = CheckIns.Open(CheckIns.Fold(facts), id, where.Value, kind!.Value, topic!, mode, partyGroup, body.Starts!.Value, body.Ends!.Value,
            body.GraceMinutes ?? 0, scope, now);
        return Decided(decision, expected, decision.Refusal?.Code is "window-empty" or "window-in-past" ? "ends" : decision.Refusal?.Code == "grace-out-of-range" ? "graceMinutes" : "group");
    };

    public static BuildFact CheckIn(string session, CheckInRequest body, Caller caller, WorkflowStreams streams, TimeProvider clock) => async (id, _, ct) =>
    {
        if (caller.Member is not { } me) return WorkflowProblems.NotAMember();
        var e = new FieldErrors();
        var forMember = e.Id<MemberId>(body.Member, "member", required: false);
        var via = body.Via ?? "link";
        if (!Vias.Contains(via)) e.Add("via", "unknown-value", $"via 的取值“{via}”无效，可选：qr（二维码）、link（链接）。", $"'{via}' is not a via; use qr or link.");
        if (e.Any) return e.ToProblem();
        var (state, expected) = await ReadAsync(streams, session, ct);
        if (state is null) return Unknown(session);
        return Decided(CheckIns.CheckIn(state, id, me, forMember, via, clock.GetLocalNow()), expected, "session");
    };

    public static BuildFact AskLeave(string session, LeaveRequest body, Caller caller, WorkflowStreams streams, TimeProvider clock) => async (id, _, ct) =>
    {
        if (caller.Member is not { } me) return WorkflowProblems.NotAMember();
        var e = new FieldErrors();
        var forMember = e.Id<MemberId>(body.Member, "member", required: false);
        string? reason = null;
        if (string.IsNullOrWhiteSpace(body.Reason)) e.Add("reason", "required", "请填写请假事由。", "Give a reason for the leave.");
        else reason = e.Text(body.Reason, "reason", max: 500);
        if (e.Any) return e.ToProblem();
        var (state, expected) = await ReadAsync(streams, session, ct);
        if (state is null) return Unknown(session);
        return Decided(CheckIns.AskLeave(state, id, me, forMember, reason!, clock.GetLocalNow()), expected, "reason");
    };

    public static BuildFact ApproveLeave(string session, string member, WorkflowStreams streams, TimeProvider clock) => async (id, _, ct) =>
    {
        var e = new FieldErrors();
        var who = e.Id<MemberId>(member, "member");
        if (e.Any) return e.ToProblem();
        var (state, expected) = await ReadAsync(streams, session, ct);
        if (state is null) return Unknown(session);
        return Decided(CheckIns.ApproveLeave(state, id, who!.Value, clock.GetLocalNow()), expected, "member");
    };

    public static BuildFact Mark(string session, MarkRequest body, WorkflowStreams streams, TimeProvider clock) => async (id, _, ct) =>
    {
        var e = new FieldErrors();
        var who = e.Id<MemberId>(body.Member, "member");
        var status = e.Enum<AttendanceStatus>(body.Status, "status");
        if (e.Any) return e.ToProblem();
        var (state, expected) = await ReadAsync(streams, session, ct);
        if (state is null) return Unknown(session);
        return Decided(CheckIns.Mark(state, id, who!.Value, status!.Value, clock.GetLocalNow()), expected, "member");
    };

    public static BuildFact Close(string session, WorkflowStreams streams, TimeProvider clock) => async (id, _, ct) =>
    {
        var (state, expected) = await ReadAsync(streams, session, ct);
        if (state is null) return Unknown(session);
        return Decided(CheckIns.Close(state, id, clock.GetLocalNow()), expected, "session");
    };

    /// The meeting page's own builder (MeetingEndpoints.Build) over the closed list, under the session's
    /// meeting id: the same checks as a meeting typed in, and a second confirmation is the same fact.
    public static BuildFact RecordMeeting(string session, WorkflowStreams streams) => async (_, _, ct) =>
    {
        var (state, _) = await ReadAsync(streams, session, ct);
        if (state is null) return Unknown(session);
        if (CheckIns.Meeting(state) is not { } meeting)
            return ApiProblem.Field(StatusCodes.Status409Conflict, "session", "checkin-open",
                "签到尚未结束：请先结束签到、核对名单，再登记会议。", "Check-in is still open: close it and check the list before the meeting is recorded.");
        return MeetingEndpoints.Build(meeting.FactId, meeting.Branch.Value, new MeetingEndpoints.RecordMeetingRequest(meeting.OccurredOn,
            meeting.Group?.Value, meeting.Kind.ToString(), meeting.Mode.ToString(), meeting.Topic,
            [.. meeting.Attendance.Select(a => new MeetingEndpoints.AttendanceLine(a.Member.Value, a.Status.ToString()))]));
    };

    public static CheckInDocument Document(CheckInState state, OrganisationSnapshot org, Caller caller)
    {
        var o = state.Opened;
        var statuses = state.Closed?.Attendance ?? CheckIns.Attendance(state);
        var lines = statuses
            .Where(a => caller.Role != Role.Member || a.Member == caller.Member)
            .Select(a => new CheckInLine(a.Member.Value, org.Members.TryGetValue(a.Member, out var m) ? m.Name : null,
                state.CheckedIn.GetValueOrDefault(a.Member)?.At, state.CheckedIn.GetValueOrDefault(a.Member)?.Via,
                state.Leave.GetValueOrDefault(a.Member)?.Reason, state.Approved.ContainsKey(a.Member),
                state.Marks.GetValueOrDefault(a.Member)?.Status.ToString(), a.Status.ToString(), ChineseNames.Of(a.Status)))
            .ToList();
        return new CheckInDocument(o.Session, o.Branch.Value, o.Kind.ToString(), ChineseNames.Of(o.Kind), o.Topic, o.Mode.ToString(), o.Group?.Value,
            o.Starts, o.Ends, o.GraceMinutes, state.IsClosed ? "closed" : "open", CheckIns.MeetingOf(o.Session).Value, o.Scope.Count, lines);
    }

    private static Draft Decided(CheckInDecision decision, ExpectedRevision expected, string field) =>
        decision.Refusal is { } refusal ? refusal.ToProblem(field) : Draft.At(expected, decision.Fact!);

    private static bool ValidCode(string session) => session.Length == 8 && session.All(char.IsAsciiLetterOrDigit);

    public static ApiProblem Unknown(string session) => ApiProblem.Field(StatusCodes.Status404NotFound, "session", "unknown-checkin",
        $"没有签到 {session}（请核对链接）。", $"There is no check-in {session} (check the link).");
}
