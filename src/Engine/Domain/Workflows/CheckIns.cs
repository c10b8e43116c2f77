using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Workflows;

/// A check-in session and everything that happened to it, folded from its stream.
public sealed record CheckInState(
    CheckInOpened Opened,
    ImmutableDictionary<MemberId, MemberCheckedIn> CheckedIn,
    ImmutableDictionary<MemberId, LeaveRequested> Leave,
    ImmutableDictionary<MemberId, LeaveApproved> Approved,
    ImmutableDictionary<MemberId, AttendanceMarked> Marks,
    ImmutableDictionary<FactId, IFact> Recorded,
    CheckInClosed? Closed)
{
    public bool IsClosed => Closed is not null;

    public bool InScope(MemberId member) => Opened.Scope.Contains(member);
}

/// What a step comes to: the fact to record (a new one, or the one already recorded for the same act,
/// so a repeat gets the same answer), or why not.
public sealed record CheckInDecision(IFact? Fact, Refusal? Refusal)
{
    public static implicit operator CheckInDecision(Refusal refusal) => new(null, refusal);

    public static CheckInDecision Record(IFact fact) => new(fact, null);
}

/// The rules of meeting check-in (签到, issue #20) as pure functions of the session's state and the time
/// (which arrives as data).
public static class CheckIns
{
    public const int MaxGraceMinutes = 120;
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    /// The short code in the session's link, from the id of the fact that opened it (8 characters that
    /// are not confused when read aloud or typed: no i, l, o, 0, 1).
    public static string SessionOf(FactId opened)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("checkin|" + opened.Value));
        var code = new StringBuilder(8);
        for (var i = 0; i < 8; i++) code.Append(Alphabet[hash[i] % Alphabet.Length]);
        return code.ToString();
    }

    /// The recorded meeting's fact id names its session, so the evidence leads back to the check-ins and a
    /// second confirmation (any form, any request) is the same fact, recorded once.
    public static FactId MeetingOf(string session) => new("checkin-" + session);

    public static CheckInState? Evolve(CheckInState? state, IFact fact)
    {
        if (state is null)
            return fact is CheckInOpened o
                ? new CheckInState(o, ImmutableDictionary<MemberId, MemberCheckedIn>.Empty, ImmutableDictionary<MemberId, LeaveRequested>.Empty,
                    ImmutableDictionary<MemberId, LeaveApproved>.Empty, ImmutableDictionary<MemberId, AttendanceMarked>.Empty,
                    ImmutableDictionary<FactId, IFact>.Empty.Add(o.FactId, o), null)
                : null;
        if (state.Recorded.ContainsKey(fact.FactId)) return state;
        var s = state with { Recorded = state.Recorded.Add(fact.FactId, fact) };
        return fact switch
        {
            MemberCheckedIn c when !s.CheckedIn.ContainsKey(c.Member) => s with { CheckedIn = s.CheckedIn.Add(c.Member, c) },
            LeaveRequested l when !s.Leave.ContainsKey(l.Member) => s with { Leave = s.Leave.Add(l.Member, l) },
            LeaveApproved a when !s.Approved.ContainsKey(a.Member) => s with { Approved = s.Approved.Add(a.Member, a) },
            AttendanceMarked m => s with { Marks = s.Marks.SetItem(m.Member, m) },
            CheckInClosed c when s.Closed is null => s with { Closed = c },
            _ => s,
        };
    }

    public static CheckInState? Fold(IEnumerable<IFact> facts) => facts.Aggregate((CheckInState?)null, Evolve);

    private static DateOnly DateOf(DateTimeOffset at) => DateOnly.FromDateTime(at.DateTime);

    public static CheckInDecision Open(CheckInState? existing, FactId id, BranchId branch, MeetingKind kind, string topic, MeetingMode mode,
        PartyGroupId? group, DateTimeOffset starts, DateTimeOffset ends, int graceMinutes, IReadOnlyList<MemberId> scope, DateTimeOffset now)
    {
        if (existing is not null)
            return existing.Opened.FactId == id ? CheckInDecision.Record(existing.Opened)
                : new Refusal(RefusalKind.Conflict, "session-exists", "该签到编号已被占用，请重新提交。", "This session code is taken; submit again.");
        if (ends <= starts)
            return new Refusal(RefusalKind.Invalid, "window-empty", "签到结束时间须晚于开始时间。", "The check-in window must end after it starts.");
        if (ends <= now)
            return new Refusal(RefusalKind.Invalid, "window-in-past", $"签到结束时间 {ends:yyyy-MM-dd HH:mm} 已过。", $"The window's end {ends:yyyy-MM-dd HH:mm} has passed.");
        if (graceMinutes is < 0 or > MaxGraceMinutes)
            return new Refusal(RefusalKind.Invalid, "grace-out-of-range", $"迟到宽限须在 0 到 {MaxGraceMinutes} 分钟之间。", $"The late grace is 0 to {MaxGraceMinutes} minutes.");
        if (scope.Count == 0)
            return new Refusal(RefusalKind.Invalid, "empty-scope", "应到人员为空：该支部（或党小组）当前没有党员。", "No one is expected: the branch (or party group) has no members now.");
        return CheckInDecision.Record(new CheckInOpened(id, DateOf(starts), branch, SessionOf(id), kind, topic, mode, group, starts, ends, graceMinutes, scope));
    }

    /// A member checks in for themselves only; a second check-in answers with the first.
    public static CheckInDecision CheckIn(CheckInState state, FactId id, MemberId caller, MemberId? forMember, string via, DateTimeOffset now)
    {
        if (forMember is { } other && other != caller) return NotYourself();
        if (state.CheckedIn.TryGetValue(caller, out var first)) return CheckInDecision.Record(first);
        if (Refused(state, caller) is { } refused) return refused;
        var o = state.Opened;
        if (now < o.Starts)
            return new Refusal(RefusalKind.Conflict, "checkin-not-open",
                $"签到 {o.Starts:MM-dd HH:mm} 开始，现在还不能签到（如不能参加，可在开始前请假）。",
                $"Check-in opens at {o.Starts:MM-dd HH:mm}; it is not open yet (ask for leave before then if you cannot come).");
        if (now > o.Ends)
            return new Refusal(RefusalKind.Conflict, "checkin-window-ended",
                $"签到已于 {o.Ends:MM-dd HH:mm} 截止。", $"Check-in ended at {o.Ends:MM-dd HH:mm}.");
        return CheckInDecision.Record(new MemberCheckedIn(id, DateOf(now), o.Branch, o.Session, caller, now, via));
    }

    /// Leave (请假) is asked before the meeting starts, with a reason; asked once.
    public static CheckInDecision AskLeave(CheckInState state, FactId id, MemberId caller, MemberId? forMember, string reason, DateTimeOffset now)
    {
        if (forMember is { } other && other != caller) return NotYourself();
        if (state.Leave.TryGetValue(caller, out var first)) return CheckInDecision.Record(first);
        if (Refused(state, caller) is { } refused) return refused;
        var o = state.Opened;
        if (now >= o.Starts)
            return new Refusal(RefusalKind.Conflict, "leave-too-late",
                $"会议已于 {o.Starts:MM-dd HH:mm} 开始，不能再请假，请联系支部书记。",
                $"The meeting started at {o.Starts:MM-dd HH:mm}; leave is asked before the start (ask the secretary).");
        return CheckInDecision.Record(new LeaveRequested(id, DateOf(now), o.Branch, o.Session, caller, now, reason));
    }

    public static CheckInDecision ApproveLeave(CheckInState state, FactId id, MemberId member, DateTimeOffset now)
    {
        if (state.Approved.TryGetValue(member, out var first)) return CheckInDecision.Record(first);
        if (state.Closed is { } closed) return Closed(closed);
        if (!state.Leave.ContainsKey(member))
            return new Refusal(RefusalKind.NotFound, "no-leave-request", $"党员 {member} 没有请假申请。", $"Member {member} has not asked for leave.");
        return CheckInDecision.Record(new LeaveApproved(id, DateOf(now), state.Opened.Branch, state.Opened.Session, member, now));
    }

    /// The secretary marks anyone expected, any status, until closing; a retried mark is the same fact.
    public static CheckInDecision Mark(CheckInState state, FactId id, MemberId member, AttendanceStatus status, DateTimeOffset now)
    {
        if (state.Recorded.TryGetValue(id, out var first)) return CheckInDecision.Record(first);
        if (Refused(state, member) is { } refused) return refused;
        return CheckInDecision.Record(new AttendanceMarked(id, DateOf(now), state.Opened.Branch, state.Opened.Session, member, status, now));
    }

    /// Closing fixes the attendance list; closing again answers with the first close.
    public static CheckInDecision Close(CheckInState state, FactId id, DateTimeOffset now) =>
        state.Closed is { } closed ? CheckInDecision.Record(closed)
        : CheckInDecision.Record(new CheckInClosed(id, DateOf(now), state.Opened.Branch, state.Opened.Session, now, Attendance(state)));

    /// Everyone expected, in the order they were listed: the secretary's latest mark; else checked in →
    /// 出席, or 迟到 after the grace; else leave approved → 请假; else 缺席.
    public static IReadOnlyList<AttendanceEntry> Attendance(CheckInState state)
    {
        var lateAfter = state.Opened.Starts.AddMinutes(state.Opened.GraceMinutes);
        return [.. state.Opened.Scope.Distinct().Select(m => new AttendanceEntry(m,
            state.Marks.TryGetValue(m, out var mark) ? mark.Status
            : state.CheckedIn.TryGetValue(m, out var c) ? (c.At > lateAfter ? AttendanceStatus.Late : AttendanceStatus.Present)
            : state.Approved.ContainsKey(m) ? AttendanceStatus.Excused
            : AttendanceStatus.Absent))];
    }

    /// The meeting as it is recorded once check-in is closed: one fact, the whole list.
    public static MeetingHeld? Meeting(CheckInState state) => state.Closed is not { } closed ? null
        : new MeetingHeld(MeetingOf(state.Opened.Session), state.Opened.OccurredOn, state.Opened.Branch, state.Opened.Group, state.Opened.Kind,
            state.Opened.Mode, state.Opened.Topic, closed.Attendance);

    private static Refusal? Refused(CheckInState state, MemberId member)
    {
        if (state.Closed is { } closed) return Closed(closed);
        return state.InScope(member) ? null : OutOfScope(state, member);
    }

    /// Why a member not expected at the meeting may not take part in its check-in.
    public static Refusal OutOfScope(CheckInState state, MemberId member) => new(RefusalKind.Forbidden, "checkin-scope",
        state.Opened.Group is { } g ? $"党员 {member} 不在党小组 {g}，不参加本次会议。" : $"党员 {member} 不在支部 {state.Opened.Branch} 本次会议的应到名单中。",
        state.Opened.Group is { } g2 ? $"Member {member} is not in party group {g2}; this meeting is not theirs." : $"Member {member} is not expected at this meeting of branch {state.Opened.Branch}.");

    private static Refusal Closed(CheckInClosed closed) => new(RefusalKind.Conflict, "checkin-closed",
        $"签到已于 {closed.At:MM-dd HH:mm} 结束。", $"Check-in was closed at {closed.At:MM-dd HH:mm}.");

    private static Refusal NotYourself() => new(RefusalKind.Forbidden, "not-yourself",
        "只能本人签到或请假，不能替他人签到。", "A member checks in (or asks for leave) for themselves only, never for someone else.");
}
