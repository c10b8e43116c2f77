using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Law 5: a fact is scored by the rule set in force on its occurrence date, even when recorded later.
public sealed class when_several_rule_sets_have_been_published
{
    private static RuleSet Scheme(string version, DateOnly from, int present) =>
        TestRules.Set(version, from,
            TestRules.Attendance("present", null, [AttendanceStatus.Present, AttendanceStatus.Late], present),
            TestRules.Attendance("absent", null, [AttendanceStatus.Absent], -present));

    [Fact]
    public void every_award_names_and_applies_the_rule_set_in_force_on_the_facts_date()
    {
        var cases =
            from second in DomainGen.DateIn(DomainGen.Year)
            from third in DomainGen.DateIn(DomainGen.Year)
            from facts in DomainGen.History(DomainGen.Attendance(DomainGen.Year, DomainGen.Member), 60)
            from arrival in DomainGen.Shuffled(facts)
            select (Book: RuleBook.Of(Scheme("v1", new DateOnly(2020, 1, 1), 1), Scheme("v2", second, 2), Scheme("v3", third, 3)), arrival);

        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var member = new MemberHarness(DomainGen.Member, c.Book).HandleAll(CommandGen.Scores(c.arrival));
            foreach (var line in member.State.LedgerIn(DomainGen.Year).Values)
            {
                var inForce = c.Book.InForceOn(line.OccurredOn)!;
                Assert.Equal(inForce.Version, line.Version);
                var perMeeting = inForce.Rules[0].Amount.Value;
                Assert.Equal(line.Rule.Value == "present" ? perMeeting : -perMeeting, line.Requested.Value);
            }
        }), PropertyConfig.Cases);
    }

    [Fact]
    public void a_fact_recorded_after_a_later_rule_set_is_still_scored_by_the_earlier_one()
    {
        // Given v1 from 2025-01-01 and v2 from 2025-07-01, both published
        var book = RuleBook.Of(Scheme("v1", new DateOnly(2025, 1, 1), 5), Scheme("v2", new DateOnly(2025, 7, 1), 3));
        var member = new MemberHarness(DomainGen.Member, book);
        // When a June meeting is recorded in August
        member.Handle(new ScoreFact(new AttendanceRecorded(new FactId("june"), new DateOnly(2025, 6, 30), DomainGen.Member,
            DomainGen.Branch, MeetingKind.GeneralMeeting, MeetingMode.InPerson, AttendanceStatus.Present)));
        // Then it earns v1's 5 points, not v2's 3
        var line = Assert.Single(member.State.LedgerIn(2025).Values);
        Assert.Equal(("v1", 5m), (line.Version.Value, line.Granted.Value));
    }
}
