using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Load.Support;

/// The facts of the runs: the shipped rule set, branches with their members, and meetings whose
/// attendance lists are 40-member party groups of a branch, spread over 2025. Deterministic.
public sealed class Workload(int branches, int membersPerBranch, int attendees = 40)
{
    private static readonly AttendanceStatus[] Statuses =
        [AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Present,
         AttendanceStatus.Late, AttendanceStatus.Excused, AttendanceStatus.Present, AttendanceStatus.Absent];

    private static readonly MeetingKind[] Kinds =
        [MeetingKind.PartyGroupMeeting, MeetingKind.ThemePartyDay, MeetingKind.GeneralMeeting, MeetingKind.PartyLecture, MeetingKind.BranchCommittee];

    public int Branches => branches;
    public int MembersPerBranch => membersPerBranch;
    public int Members => branches * membersPerBranch;
    private int GroupsPerBranch => Math.Max(1, membersPerBranch / attendees);

    public static BranchId Branch(int b) => new($"b{b:000}");

    public static MemberId Member(int b, int i) => new($"b{b:000}-m{i:00000}");

    public static RuleSetPublished Rules()
    {
        var rules = RuleSetDocument.Default();
        return new RuleSetPublished(new FactId("rules-default"), new DateOnly(2024, 12, 20), rules.Version, rules.EffectiveFrom,
            RuleSetDocument.DefaultDocument());
    }

    /// The rule set, then every branch and its members, enrolled on 1 December 2024.
    public IEnumerable<IFact> Organisation(int firstBranch = 0)
    {
        if (firstBranch == 0) yield return Rules();
        for (var b = firstBranch; b < branches; b++)
        {
            yield return new BranchRegistered(new FactId($"branch-{b:000}"), new DateOnly(2024, 12, 1), Branch(b), $"第{b + 1}党支部", null);
            for (var i = 0; i < membersPerBranch; i++)
            {
                var m = Member(b, i);
                yield return new MemberEnrolled(new FactId($"enrol-{m.Value}"), new DateOnly(2024, 12, 1), m, $"党员{b}-{i}", Branch(b), null,
                    i % 10 == 9 ? MemberStatus.Probationary : MemberStatus.Full, i % 20 == 19 ? MemberCategory.Mobile : MemberCategory.Regular);
            }
        }
    }

    /// Meeting number <paramref name="index"/>: branches and their groups in turn, the date moving on a
    /// few days with every round, so each member's year fills up as the run goes on. The topic names the
    /// meeting, so no two share the natural key (branch, date, kind, group, topic) that the API refuses
    /// to record twice (#19 `meeting-exists`): a bench of 409s measures nothing.
    public MeetingHeld Meeting(int index, string prefix = "meeting")
    {
        var b = index % branches;
        var round = index / branches;
        var group = round % GroupsPerBranch;
        var date = new DateOnly(2025, 1, 2).AddDays(round / GroupsPerBranch * 3 % 360);
        var size = Math.Min(attendees, membersPerBranch);
        var attendance = new AttendanceEntry[size];
        for (var j = 0; j < size; j++)
            attendance[j] = new AttendanceEntry(Member(b, (group * attendees + j) % membersPerBranch), Statuses[(index + j) % Statuses.Length]);
        var id = $"{prefix}-{index:0000000}";
        return new MeetingHeld(new FactId(id), date, Branch(b), null, Kinds[round % Kinds.Length], MeetingMode.InPerson,
            $"学习贯彻 {id}", attendance);
    }

    /// A meeting of each 40 members of every branch in turn (the last list takes the members left over), all
    /// present on <paramref name="on"/>: every member is on exactly one attendance list.
    public IEnumerable<MeetingHeld> EveryMemberOnce(string prefix, DateOnly on)
    {
        for (var b = 0; b < branches; b++)
            for (int first = 0, g = 0; first < membersPerBranch; first += attendees, g++)
            {
                var attendance = Enumerable.Range(first, Math.Min(attendees, membersPerBranch - first))
                    .Select(i => new AttendanceEntry(Member(b, i), AttendanceStatus.Present)).ToArray();
                var id = $"{prefix}-{b:000}-{g:000}";
                yield return new MeetingHeld(new FactId(id), on, Branch(b), null, MeetingKind.PartyGroupMeeting, MeetingMode.InPerson,
                    $"学习贯彻 {id}", attendance);
            }
    }

    public IEnumerable<MeetingHeld> Meetings(int count, int from = 0, string prefix = "meeting") =>
        Enumerable.Range(from, count).Select(i => Meeting(i, prefix));
}
