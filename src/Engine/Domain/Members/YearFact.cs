using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// One accepted member fact as a member year keeps it: 16 bytes inline in the year's array. An
/// attendance (nearly every fact a member has) keeps its id, date, a branch number (see
/// <see cref="Interned.BranchNumber"/>) and the three enums, and its record is built only when read;
/// other kinds, which are few, keep their record. The member is the state's own, so it is not stored.
internal readonly struct YearFact
{
    private readonly object _ref; // string: a compact attendance's id; MemberFact: the record itself
    private readonly DateOnly _date;
    private readonly int _packed; // compact attendance: branch number << 6 | status << 4 | mode << 3 | meeting kind

    /// pooled: attendance ids are meeting ids, shared by everyone at the meeting, so a state pools them
    /// and numbers the branch: a member replayed from its own stream then holds no copy of its own.
    /// Unpooled (or when the branch table is full) the fact keeps its record.
    public YearFact(MemberFact fact, bool pooled = false)
    {
        _date = fact.OccurredOn;
        if (pooled && fact is AttendanceRecorded a && (int)a.Meeting is >= 0 and < 8 && (int)a.Mode is 0 or 1 && (int)a.Status is >= 0 and < 4
            && Interned.BranchNumber(a.Branch.Value) is >= 0 and var branch)
        {
            _ref = Interned.FactIdText(a.FactId.Value);
            _packed = branch << 6 | (int)a.Status << 4 | (int)a.Mode << 3 | (int)a.Meeting;
        }
        else
        {
            _ref = fact;
        }
    }

    private bool Compact => _ref is string;

    public string Id => _ref as string ?? ((MemberFact)_ref).FactId.Value;
    public FactId FactId => new(Id);
    public DateOnly OccurredOn => _date;
    public bool IsAttendance => _ref is string or AttendanceRecorded;
    public FactKind Kind => Compact ? FactKind.Attendance : ((MemberFact)_ref).Kind;
    public MeetingKind Meeting => Compact ? (MeetingKind)(_packed & 7) : ((AttendanceRecorded)_ref).Meeting;
    public MeetingMode Mode => Compact ? (MeetingMode)(_packed >> 3 & 1) : ((AttendanceRecorded)_ref).Mode;
    public AttendanceStatus Status => Compact ? (AttendanceStatus)(_packed >> 4 & 3) : ((AttendanceRecorded)_ref).Status;
    private string Branch => Compact ? Interned.BranchAt(_packed >>> 6) : ((AttendanceRecorded)_ref).Branch.Value;

    /// The record, for a fact kept as one (every kind but a compact attendance).
    public MemberFact? Record => _ref as MemberFact;

    public MemberFact ToFact(MemberId member) =>
        _ref as MemberFact ?? new AttendanceRecorded(new FactId((string)_ref), _date, member, new BranchId(Branch), Meeting, Mode, Status);

    public bool SameAs(in YearFact other) =>
        IsAttendance && other.IsAttendance
            ? _date == other._date && string.Equals(Id, other.Id, StringComparison.Ordinal) && Meeting == other.Meeting && Mode == other.Mode
              && Status == other.Status && string.Equals(Branch, other.Branch, StringComparison.Ordinal)
            : _ref.Equals(other._ref);
}
