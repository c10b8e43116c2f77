using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using PointsEngine.TestSupport;

namespace PointsEngine.Domain.Tests.Laws;

/// Law 7: a fact dated in a closed year is rejected with a clear error, until the year is reopened.
public sealed class when_a_year_is_closed
{
    private static readonly OrganisationCalendar Closed2025 =
        OrganisationCalendar.Evolve(OrganisationCalendar.AllOpen, new YearClosed(new FactId("close-2025"), new DateOnly(2026, 1, 15), 2025));

    [Fact]
    public void facts_dated_in_it_are_rejected_until_it_is_reopened()
    {
        var cases =
            from scheme in DomainGen.FullScheme()
            from facts in DomainGen.History(40)
            select (scheme, facts);
        PropertyRuns.Check(Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var member = MemberHarness.For(DomainGen.Member.Value, c.scheme);
            member.Calendar = Closed2025;
            foreach (var fact in c.facts)
            {
                var rejection = Assert.IsType<Rejected>(member.Handle(new ScoreFact(fact))).Rejection;
                Assert.Equal("year-closed", rejection.Code);
                Assert.Contains("2025", rejection.English);
                Assert.Contains(fact.FactId.Value, rejection.English);
                Assert.Contains("年度已关闭", rejection.Chinese);
            }
            Assert.Empty(member.Stream);

            // Reopened: the same facts score exactly as if the year had never been closed.
            member.Calendar = OrganisationCalendar.Evolve(Closed2025, new YearReopened(new FactId("reopen-2025"), new DateOnly(2026, 2, 1), 2025, "补录"));
            member.HandleAll(CommandGen.Scores(c.facts));
            var neverClosed = MemberHarness.For(DomainGen.Member.Value, c.scheme).HandleAll(CommandGen.Scores(c.facts));
            Assert.Equal(neverClosed.State, member.State);
        }), PropertyConfig.Cases);
    }

    [Fact]
    public void revoking_a_fact_of_a_closed_year_is_rejected_and_other_years_stay_open()
    {
        // Given a member scored in 2025, after which 2025 was closed
        var scheme = TestRules.Set("v1", new DateOnly(2020, 1, 1), TestRules.Present("general", MeetingKind.GeneralMeeting, 5));
        var member = MemberHarness.For("m-001", scheme);
        var march = new AttendanceRecorded(new FactId("mar"), new DateOnly(2025, 3, 1), DomainGen.Member, DomainGen.Branch,
            MeetingKind.GeneralMeeting, MeetingMode.InPerson, AttendanceStatus.Present);
        member.Handle(new ScoreFact(march));
        member.Calendar = Closed2025;

        // When its fact is revoked, Then the revocation is refused and the points stand
        var revoke = new RevokeFact(new RevocationRecorded(new FactId("rev"), new DateOnly(2026, 3, 1), DomainGen.Member, march.FactId, "误录"));
        Assert.Equal("year-closed", Assert.IsType<Rejected>(member.Handle(revoke)).Rejection.Code);
        Assert.Equal(5m, member.Total(2025));

        // and a 2026 fact is accepted
        member.Handle(new ScoreFact(march with { FactId = new FactId("mar-2026"), OccurredOn = new DateOnly(2026, 3, 1) }));
        Assert.Equal(5m, member.Total(2026));
        Assert.Equal(ImmutableSortedSet.Create(2025), member.Calendar.ClosedYears);
    }
}
