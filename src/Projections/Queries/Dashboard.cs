using PointsEngine.Domain.Values;

namespace PointsEngine.Projections.Queries;

/// A branch's organisation life in a year: meetings held per kind per month against the required
/// cadence of 三会一课, attendance per meeting and per member, and participation in suggestions, golden
/// ideas and volunteer service.
public sealed record BranchDashboard(
    BranchId Branch,
    string? Name,
    int Year,
    DateOnly AsOf,
    IReadOnlyList<MeetingsOfKind> Meetings,
    IReadOnlyList<MeetingAttendance> MeetingAttendance,
    IReadOnlyList<MemberAttendance> MemberAttendance,
    Participation Participation);

/// Meetings of one kind per month (index 0 = January); the periods that ended below the cadence.
public sealed record MeetingsOfKind(MeetingKind Kind, string Name, IReadOnlyList<int> ByMonth, MeetingCadence? Required, IReadOnlyList<string> MissedPeriods);

public sealed record MeetingAttendance(FactId Meeting, DateOnly Date, MeetingKind Kind, MeetingMode Mode, string Topic, int Listed, int Attended, int Excused, int Absent, decimal Rate);

public sealed record MemberAttendance(MemberId Member, string? Name, int Listed, int Attended, int Excused, int Absent, decimal Rate);

public sealed record Participation(
    int Members, int Suggestions, int MembersWithSuggestions, int GoldenIdeas, int MembersWithGoldenIdeas, decimal VolunteerHours, int Volunteers);

/// 网上预警 as of a date.
public sealed record Warnings(DateOnly AsOf, WarningThresholds Thresholds, IReadOnlyList<MemberWarning> Members, IReadOnlyList<BranchWarning> Branches);

public enum MemberWarningKind { NoAttendance, UnexcusedAbsences }

public sealed record MemberWarning(MemberId Member, string? Name, BranchId Branch, MemberWarningKind Kind, DateOnly? LastAttended, int UnexcusedAbsences,
    string Chinese, string English);

public sealed record BranchWarning(BranchId Branch, string? Name, MeetingKind Kind, string Period, int Held, int Required, string Chinese, string English);
