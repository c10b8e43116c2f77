using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

/// A year of realistic facts for a 300-member organisation, routed and scored as the host would,
/// each member's total checked against the reference model.
public sealed class when_a_300_member_organisation_scores_a_year
{
    private static readonly RuleSet Scheme = new(
        new RuleSetVersion("2025.1"), new DateOnly(2025, 1, 1), "三会一课", 60, [Cap.YearlyFloor(0)], [],
        [
            TestRules.Present("general", MeetingKind.GeneralMeeting, 5, TestRules.Yearly(20)),
            TestRules.Present("committee", MeetingKind.BranchCommittee, 5, TestRules.Yearly(60)),
            TestRules.Present("lecture", MeetingKind.PartyLecture, 5, TestRules.Yearly(5)),
            TestRules.Present("group", MeetingKind.PartyGroupMeeting, 3, TestRules.Yearly(12)),
            TestRules.Attendance("absent", null, [AttendanceStatus.Absent], -2),
            TestRules.Adjustments(),
        ],
        [], null);

    [Fact]
    public void every_members_total_equals_the_reference_model()
    {
        // Given 10 branches of 30 members, each holding a party-group meeting every month and a general
        // meeting and a lecture every quarter (6,000 member facts), plus some adjustments and
        // revocations of mistaken records
        var random = new Random(2025);
        var facts = new List<IFact>();
        var byMember = new Dictionary<MemberId, List<MemberFact>>();
        var statuses = new[] { AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Late, AttendanceStatus.Excused, AttendanceStatus.Absent };
        var n = 0;
        for (var b = 0; b < 10; b++)
        {
            var branch = new BranchId($"b{b:00}");
            var members = Enumerable.Range(0, 30).Select(i => new MemberId($"b{b:00}-m{i:00}")).ToList();
            foreach (var month in Enumerable.Range(1, 12))
            {
                foreach (var kind in month % 3 == 1 ? new[] { MeetingKind.GeneralMeeting, MeetingKind.PartyLecture, MeetingKind.PartyGroupMeeting } : [MeetingKind.PartyGroupMeeting])
                {
                    var date = new DateOnly(2025, month, random.Next(1, 28));
                    facts.Add(new MeetingHeld(new FactId($"mt{n++:00000}"), date, branch, null, kind,
                        random.Next(3) == 0 ? MeetingMode.Online : MeetingMode.InPerson, "学习",
                        [.. members.Select(m => new AttendanceEntry(m, statuses[random.Next(statuses.Length)]))]));
                }
            }
            foreach (var m in members.Where(_ => random.Next(5) == 0))
                facts.Add(new ManualAdjustment(new FactId($"adj{n++:00000}"), new DateOnly(2025, random.Next(1, 13), 15), m, random.Next(-10, 11), "表彰/批评", "党委"));
        }
        // Revoke a few meetings recorded by mistake; the recorder copies their attendance lists.
        foreach (var meeting in facts.OfType<MeetingHeld>().Where(_ => random.Next(40) == 0).ToList())
            facts.Add(new FactRevoked(new FactId($"rev{n++:00000}"), meeting.OccurredOn.AddDays(3), meeting.FactId, "重复登记",
                [.. meeting.Attendance.Select(a => a.Member)]));

        // When every fact is routed and decided, in log order
        var book = RuleBook.Of(Scheme);
        var states = new Dictionary<MemberId, MemberState>();
        var revoked = new HashSet<FactId>();
        var memberFacts = 0;
        foreach (var fact in facts)
        {
            if (fact is FactRevoked r) revoked.Add(r.Target);
            foreach (var command in FactRouting.Route(fact))
            {
                memberFacts++;
                var state = states.GetValueOrDefault(command.Member) ?? MemberScoring.Initial(command.Member);
                var events = Assert.IsType<Accepted>(MemberScoring.Decide(state, command, book)).Events;
                states[command.Member] = events.Aggregate(state, MemberScoring.Evolve);
                if (command is ScoreFact { Fact: var f }) (byMember.TryGetValue(f.Member, out var list) ? list : byMember[f.Member] = []).Add(f);
            }
        }

        // Then each member's total is what the pencil-and-paper model gives
        Assert.Equal(300, states.Count);
        Assert.True(memberFacts > 6_000, $"{memberFacts} member facts");
        foreach (var (member, state) in states)
            Assert.Equal(ReferenceModel.YearTotal(Scheme, byMember[member].Where(f => !revoked.Contains(f.FactId))), state.TotalIn(2025).Value);
    }
}
