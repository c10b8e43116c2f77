using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Examples;

public sealed class when_member_commands_are_decided
{
    private static readonly MemberId M = DomainGen.Member;

    private static readonly RuleSet Scheme = TestRules.Set("v1", new DateOnly(2020, 1, 1),
            TestRules.Present("general", MeetingKind.GeneralMeeting, 5),
            Rule.Fixed("probation-study", "attendance", FactKind.Attendance, 1,
                new RuleConditions(MeetingKinds: [MeetingKind.PartyLecture], Attendance: [AttendanceStatus.Present], MemberStatuses: [MemberStatus.Probationary])))
        .WithBase(60)
        .WithBonuses(new PeriodBonus(new RuleId("full"), "季度全勤", "attendance", PeriodKind.Quarter,
            [MeetingKind.GeneralMeeting], [AttendanceStatus.Present], 1, 2, []));

    private static AttendanceRecorded Meeting(string id, string date, MeetingKind kind = MeetingKind.GeneralMeeting, AttendanceStatus status = AttendanceStatus.Present) =>
        new(new FactId(id), DateOnly.Parse(date), M, DomainGen.Branch, kind, MeetingMode.InPerson, status);

    [Fact]
    public void a_fact_delivered_again_is_nothing_to_do()
    {
        var member = MemberHarness.For(M.Value, Scheme);
        var fact = Meeting("f1", "2025-02-01");
        Assert.NotEmpty(member.Emitted(new ScoreFact(fact)));
        Assert.Empty(member.Emitted(new ScoreFact(fact)));
    }

    [Fact]
    public void the_first_fact_of_a_year_opens_it_with_the_base_score()
    {
        var events = MemberHarness.For(M.Value, Scheme).Emitted(new ScoreFact(Meeting("f1", "2025-02-01")));
        Assert.Equal(["base/2025", "f1/general", "full/2025-Q1"], events.OfType<PointsAwarded>().Select(a => a.AwardId));
    }

    [Fact]
    public void a_revocation_that_arrives_before_its_fact_makes_the_fact_score_nothing()
    {
        var member = MemberHarness.For(M.Value, Scheme);
        member.Handle(new RevokeFact(new RevocationRecorded(new FactId("r1"), new DateOnly(2025, 3, 1), M, new FactId("f1"), "重复登记")));
        member.Handle(new ScoreFact(Meeting("f1", "2025-02-01")));
        Assert.DoesNotContain(member.State.LedgerIn(2025).Values, l => l.FactId == new FactId("f1"));
    }

    [Fact]
    public void a_completeness_bonus_is_reverted_when_a_later_recorded_absence_breaks_the_quarter()
    {
        var member = MemberHarness.For(M.Value, Scheme);
        member.Handle(new ScoreFact(Meeting("f1", "2025-01-10")));
        Assert.True(member.State.LedgerIn(2025).ContainsKey("full/2025-Q1"));

        var events = member.Emitted(new ScoreFact(Meeting("f2", "2025-03-10", status: AttendanceStatus.Absent)));

        Assert.Equal("full/2025-Q1", Assert.Single(events.OfType<PointsReverted>()).AwardId);
    }

    [Fact]
    public void an_enrolment_arriving_after_the_facts_rescores_them_by_the_members_status()
    {
        // Given a lecture scored while the member was still unknown (treated as a full member)
        var member = MemberHarness.For(M.Value, Scheme);
        member.Handle(new ScoreFact(Meeting("f1", "2025-05-10", MeetingKind.PartyLecture)));
        Assert.False(member.State.LedgerIn(2025).ContainsKey("f1/probation-study"));
        // When the enrolment as a probationary member arrives
        var events = member.Emitted(new RecordMembership(new MemberEnrolled(new FactId("e1"), new DateOnly(2024, 11, 1), M, "王五",
            DomainGen.Branch, null, MemberStatus.Probationary, MemberCategory.Regular)));
        // Then the probationary-only rule now applies
        Assert.Equal("f1/probation-study", Assert.Single(events.OfType<PointsAwarded>(), a => a.FactId is not null).AwardId);
        // and the enrolment year 2024 opened with its base score
        Assert.Equal(60m, member.Total(2024));
    }

    [Fact]
    public void a_command_for_another_member_is_rejected()
    {
        var other = new AttendanceRecorded(new FactId("f1"), new DateOnly(2025, 1, 1), new MemberId("someone-else"), DomainGen.Branch,
            MeetingKind.GeneralMeeting, MeetingMode.InPerson, AttendanceStatus.Present);
        var rejected = Assert.IsType<Rejected>(MemberScoring.Decide(MemberScoring.Initial(M), new ScoreFact(other), RuleBook.Of(Scheme)));
        Assert.Equal("wrong-member", rejected.Rejection.Code);
    }

    [Fact]
    public void impossible_volunteer_hours_are_rejected_with_a_reason_in_both_languages()
    {
        var fact = new VolunteerServiceRecorded(new FactId("v1"), new DateOnly(2025, 1, 1), M, 30m, "通宵值守");
        var rejection = Assert.IsType<Rejected>(MemberScoring.Decide(MemberScoring.Initial(M), new ScoreFact(fact), RuleBook.Of(Scheme))).Rejection;
        Assert.Equal("invalid-hours", rejection.Code);
        Assert.Contains("24", rejection.Chinese);
        Assert.Contains("v1", rejection.English);
    }

    [Fact]
    public void a_fact_dated_after_the_member_left_is_rejected()
    {
        var member = MemberHarness.For(M.Value, Scheme);
        member.Handle(new RecordMembership(new MemberLeft(new FactId("l1"), new DateOnly(2025, 6, 30), M, "组织关系转出")));
        var rejection = Assert.IsType<Rejected>(member.Handle(new ScoreFact(Meeting("f1", "2025-07-10")))).Rejection;
        Assert.Equal("member-left", rejection.Code);
        Assert.IsType<Accepted>(member.Handle(new ScoreFact(Meeting("f0", "2025-06-10"))));
    }

    [Fact]
    public void a_newer_assessment_of_the_same_suggestion_replaces_the_earlier_one()
    {
        var scheme = TestRules.Set("v1", new DateOnly(2020, 1, 1),
            TestRules.SuggestionTable("suggestion", (SuggestionLevel.General, 1), (SuggestionLevel.Adopted, 8)));
        var member = MemberHarness.For(M.Value, scheme);
        var suggestion = new FactId("s-1");
        member.Handle(new ScoreFact(new SuggestionAssessmentRecorded(new FactId("a1"), new DateOnly(2025, 3, 1), M, suggestion, SuggestionLevel.General)));
        member.Handle(new ScoreFact(new SuggestionAssessmentRecorded(new FactId("a2"), new DateOnly(2025, 9, 1), M, suggestion, SuggestionLevel.Adopted)));
        Assert.Equal(["a2/suggestion"], member.State.LedgerIn(2025).Keys);
        Assert.Equal(8m, member.Total(2025));
    }

    [Fact]
    public void revoking_a_mistaken_category_change_restores_the_scoring_it_changed()
    {
        // Given absence costs 3 except for 流动 members, and a member wrongly recorded as 流动 from March
        var scheme = TestRules.Set("v1", new DateOnly(2020, 1, 1),
            Rule.Fixed("absent", "deduction", FactKind.Attendance, -3,
                new RuleConditions(Attendance: [AttendanceStatus.Absent], ExemptCategories: [MemberCategory.Mobile])));
        var member = MemberHarness.For(M.Value, scheme);
        member.Handle(new RecordMembership(new MemberCategoryChanged(new FactId("c1"), new DateOnly(2025, 3, 1), M, MemberCategory.Mobile, "误录")));
        member.Handle(new ScoreFact(Meeting("f1", "2025-04-01", status: AttendanceStatus.Absent)));
        Assert.Equal(0m, member.Total(2025));

        // When the category change is revoked
        var events = member.Emitted(new RevokeFact(new RevocationRecorded(new FactId("r1"), new DateOnly(2025, 5, 1), M, new FactId("c1"), "误录")));

        // Then the April absence is deducted after all
        Assert.Equal("f1/absent", Assert.Single(events.OfType<PointsAwarded>()).AwardId);
        Assert.Equal(-3m, member.Total(2025));
    }
}
