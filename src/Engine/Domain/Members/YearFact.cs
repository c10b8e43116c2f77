using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// One accepted member fact as a member year keeps it: 24 bytes inline in the year's array. An
/// attendance (nearly every fact a member has) keeps its id, branch, date and the three enums, and
/// its record is built only when read; other kinds, which are few, keep their record. The member is
/// the state's own, so it is not stored.
internal readonly struct YearFact
{
    private readonly string _id;
    private readonly object _detail; // attendance: the branch id; otherwise the MemberFact record
    private readonly DateOnly _date;
    private readonly byte _meeting, _mode, _status;
    private readonly bool _attendance;

    /// pooled: attendance ids are meeting ids, shared by everyone at the meeting, so a state pools them
    /// (and branch ids): a member replayed from its own stream then holds no copy of its own.
    public YearFact(MemberFact fact, bool pooled = false)
    {
        if (fact is AttendanceRecorded a)
        {
            _id = pooled ? Interned.FactIdText(a.FactId.Value) : a.FactId.Value;
            _detail = pooled ? Interned.Text(a.Branch.Value) : a.Branch.Value;
            (_meeting, _mode, _status, _attendance) = ((byte)a.Meeting, (byte)a.Mode, (byte)a.Status, true);
        }
        else
        {
            _id = fact.FactId.Value;
            _detail = fact;
        }
        _date = fact.OccurredOn;
    }

    public string Id => _id;
    public FactId FactId => new(_id);
    public DateOnly OccurredOn => _date;
    public bool IsAttendance => _attendance;
    public FactKind Kind => _attendance ? FactKind.Attendance : ((MemberFact)_detail).Kind;
    public MeetingKind Meeting => (MeetingKind)_meeting;
    public MeetingMode Mode => (MeetingMode)_mode;
    public AttendanceStatus Status => (AttendanceStatus)_status;

    /// The record, when the fact is not an attendance (those are built by <see cref="ToFact"/>).
    public MemberFact? Record => _attendance ? null : (MemberFact)_detail;

    public MemberFact ToFact(MemberId member)
    {
        if (!_attendance) return (MemberFact)_detail;
        return new AttendanceRecorded(new FactId(_id), _date, member, new BranchId((string)_detail), Meeting, Mode, Status);
    }

    public bool SameAs(in YearFact other) =>
        _attendance == other._attendance && _date == other._date && string.Equals(_id, other._id, StringComparison.Ordinal)
        && (_attendance
            ? _meeting == other._meeting && _mode == other._mode && _status == other._status
              && string.Equals((string)_detail, (string)other._detail, StringComparison.Ordinal)
            : _detail.Equals(other._detail));
}
