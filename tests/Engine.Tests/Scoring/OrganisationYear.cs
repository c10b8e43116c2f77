using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Engine.Tests.Scoring;

/// A year of realistic facts for an organisation: enrolments, the default rule set, 三会一课 meetings
/// with full attendance lists, suggestions, golden ideas, volunteer service, adjustments and
/// revocations of mistaken records. Deterministic for a given seed.
public static class OrganisationYear
{
    public static List<IFact> Generate(int branches, int membersPerBranch, int seed = 2025)
    {
        var random = new Random(seed);
        var facts = new List<IFact>();
        var n = 0;
        FactId Next(string prefix) => new($"{prefix}-{n++:000000}");

        var rules = RuleSetDocument.Parse(PointsEngine.TestSupport.TypicalRules.Document());
        facts.Add(new RuleSetPublished(Next("rules"), new DateOnly(2024, 12, 20), rules.Version, rules.EffectiveFrom, PointsEngine.TestSupport.TypicalRules.Document()));

        var statuses = new[] { AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Present, AttendanceStatus.Late, AttendanceStatus.Excused, AttendanceStatus.Absent };
        for (var b = 0; b < branches; b++)
        {
            var branch = new BranchId($"b{b:00}");
            facts.Add(new BranchRegistered(Next("branch"), new DateOnly(2024, 12, 1), branch, $"第{b + 1}党支部", null));
            var members = Enumerable.Range(0, membersPerBranch).Select(i => new MemberId($"b{b:00}-m{i:000}")).ToList();
            foreach (var m in members)
            {
                var category = random.Next(20) == 0 ? MemberCategory.Mobile : MemberCategory.Regular;
                var status = random.Next(10) == 0 ? MemberStatus.Probationary : MemberStatus.Full;
                facts.Add(new MemberEnrolled(Next("enrol"), new DateOnly(2024, 12, 1), m, $"党员{m.Value}", branch, null, status, category));
            }

            foreach (var month in Enumerable.Range(1, 12))
            {
                MeetingKind[] kinds = month % 3 == 1
                    ? [MeetingKind.GeneralMeeting, MeetingKind.PartyLecture, MeetingKind.PartyGroupMeeting, MeetingKind.BranchCommittee]
                    : [MeetingKind.PartyGroupMeeting, MeetingKind.ThemePartyDay];
                foreach (var kind in kinds)
                {
                    facts.Add(new MeetingHeld(Next("meeting"), new DateOnly(2025, month, random.Next(1, 28)), branch, null, kind,
                        random.Next(3) == 0 ? MeetingMode.Online : MeetingMode.InPerson, "学习贯彻",
                        [.. members.Select(m => new AttendanceEntry(m, statuses[random.Next(statuses.Length)]))]));
                }
            }

            foreach (var m in members)
            {
                var date = new DateOnly(2025, random.Next(1, 13), random.Next(1, 28));
                if (random.Next(3) == 0)
                {
                    var suggestion = Next("suggestion");
                    facts.Add(new SuggestionSubmitted(suggestion, date, m, branch, "合理化建议"));
                    facts.Add(new SuggestionAssessed(Next("assessed"), date.AddDays(7), suggestion, m,
                        (SuggestionLevel)random.Next(Enum.GetValues<SuggestionLevel>().Length), "支委会"));
                }
                if (random.Next(8) == 0)
                {
                    var idea = Next("idea");
                    facts.Add(new GoldenIdeaSubmitted(idea, date, m, branch, "金点子"));
                    facts.Add(new GoldenIdeaAwarded(Next("idea-award"), date.AddDays(14), idea, m,
                        (GoldenIdeaLevel)random.Next(Enum.GetValues<GoldenIdeaLevel>().Length), "评审组"));
                    var implemented = date.AddDays(60 + random.Next(30));
                    if (random.Next(2) == 0 && implemented.Year == 2025)
                        facts.Add(new GoldenIdeaImplemented(Next("idea-done"), implemented, idea, m));
                }
                for (var v = random.Next(4); v > 0; v--)
                    facts.Add(new VolunteerServiceLogged(Next("volunteer"), new DateOnly(2025, random.Next(1, 13), random.Next(1, 28)), m,
                        random.Next(1, 9) / 2m, "做24小时党员", "社区书记"));
                if (random.Next(10) == 0)
                    facts.Add(new ManualAdjustment(Next("adjust"), new DateOnly(2025, random.Next(1, 13), 15), m,
                        new Points(random.Next(1, 6) * (random.Next(2) == 0 ? -1 : 1)), "表彰/批评", "党委"));
            }
        }

        // Mistaken records revoked later, naming the members the target concerned.
        foreach (var meeting in facts.OfType<MeetingHeld>().Where(_ => random.Next(30) == 0).ToList())
            facts.Add(new FactRevoked(Next("revoke"), meeting.OccurredOn.AddDays(3), meeting.FactId, "重复登记", [.. meeting.Attendance.Select(a => a.Member)]));
        return facts;
    }
}
