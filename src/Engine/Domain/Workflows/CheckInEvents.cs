using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Workflows;

// Meeting check-in (签到, issue #20): the secretary opens a meeting for check-in; members check in from
// the room's QR code or the link pasted into the WeChat/QQ group, or ask for leave before the start;
// the secretary approves leave, marks anyone by hand and closes, which fixes the attendance list; the
// meeting is then recorded as one MeetingHeld through the ordinary write path. One stream per session
// (checkin-{session}) holds the whole story, appended at its revision.

/// <paramref name="Session"/> is the short code in the link (<see cref="CheckIns.SessionOf"/>).
/// <paramref name="Scope"/> is who is expected: the branch's (or the party group's) members when it was
/// opened. Check-ins count from <paramref name="Starts"/> (the meeting's start) to <paramref name="Ends"/>;
/// one after Starts + <paramref name="GraceMinutes"/> is 迟到.
public sealed record CheckInOpened(
    FactId FactId, DateOnly OccurredOn, BranchId Branch, string Session, MeetingKind Kind, string Topic, MeetingMode Mode,
    PartyGroupId? Group, DateTimeOffset Starts, DateTimeOffset Ends, int GraceMinutes, IReadOnlyList<MemberId> Scope) : IFact;

/// <paramref name="Via"/>: how the member reached the session (qr: the room's code, link: the group's link).
public sealed record MemberCheckedIn(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Session, MemberId Member, DateTimeOffset At, string Via) : IFact;

public sealed record LeaveRequested(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Session, MemberId Member, DateTimeOffset At, string Reason) : IFact;

public sealed record LeaveApproved(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Session, MemberId Member, DateTimeOffset At) : IFact;

/// The secretary's own mark for a member (came without a phone, left early …); the latest mark counts.
public sealed record AttendanceMarked(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Session, MemberId Member, AttendanceStatus Status, DateTimeOffset At) : IFact;

/// The attendance list as computed when the secretary closed check-in (<see cref="CheckIns.Attendance"/>).
public sealed record CheckInClosed(FactId FactId, DateOnly OccurredOn, BranchId Branch, string Session, DateTimeOffset At, IReadOnlyList<AttendanceEntry> Attendance) : IFact;
