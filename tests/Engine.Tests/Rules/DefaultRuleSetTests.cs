using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using static PointsEngine.Engine.Tests.Rules.Fixtures;

namespace PointsEngine.Engine.Tests.Rules;

public sealed class when_the_default_rule_set_is_used
{
    private readonly RuleSet _default = RuleSetDocument.Default();

    [Fact]
    public void it_loads_with_base_60_a_floor_of_0_and_an_appraisal_scheme()
    {
        Assert.Equal((60m, 0m), (_default.BaseScore.Value, _default.TotalCaps.Single().Min!.Value.Value));
        Assert.Equal(["Excellent", "Qualified", "BasicallyQualified", "Unqualified"], _default.Appraisal!.Grades.Select(g => g.Id));
        Assert.Equal(0.2m, _default.Appraisal.AppraisalWeight);
    }

    [Fact]
    public void an_absence_costs_a_regular_member_3_a_retired_member_1_and_a_mobile_member_nothing()
    {
        decimal DeductionFor(MemberCategory category)
        {
            var book = RuleBook.Of(_default);
            var state = MemberScoring.Initial(Member);
            foreach (var command in new MemberCommand[]
            {
                new RecordMembership(new PointsEngine.Domain.Organisation.MemberEnrolled(new FactId("e"), new DateOnly(2020, 1, 1), Member, "党员",
                    Branch, null, MemberStatus.Full, category)),
                new ScoreFact(Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Absent, "2025-03-01")),
            })
                state = ((Accepted)MemberScoring.Decide(state, command, book)).Events.Aggregate(state, MemberScoring.Evolve);
            return state.TotalIn(2025, "deduction").Value;
        }

        Assert.Equal((-3m, -1m, 0m), (DeductionFor(MemberCategory.Regular), DeductionFor(MemberCategory.Retired), DeductionFor(MemberCategory.Mobile)));
    }

    [Fact]
    public void a_typical_year_scores_as_documented_in_rules_md()
    {
        // The worked example in docs/RULES.md.
        var state = Score(_default,
            Meeting(MeetingKind.GeneralMeeting, AttendanceStatus.Present, "2025-01-15"),
            Meeting(MeetingKind.PartyLecture, AttendanceStatus.Present, "2025-02-20"),
            Meeting(MeetingKind.PartyGroupMeeting, AttendanceStatus.Late, "2025-04-10"),
            Volunteer(6m, "2025-05-04"),
            new SuggestionAssessmentRecorded(new FactId("s-assess"), new DateOnly(2025, 6, 1), Member, new FactId("s-1"), SuggestionLevel.Adopted),
            Meeting(MeetingKind.ThemePartyDay, AttendanceStatus.Absent, "2025-07-01"));
        // 60 base; Q1: 党员大会 +5, 党课 +5 and full attendance +2; Q2: 党小组会 late +3 −1 (no bonus);
        // volunteer 6 h → 4 (at most 4 h an activity); 采纳 +8; Q3: 主题党日 absent −3
        Assert.Equal(60m + 5 + 5 + 2 + 3 - 1 + 4 + 8 - 3, state.TotalIn(2025).Value);

        var standing = Standing.Of(state, 2025, _default.Appraisal!.AbsenceExemptCategories, democraticAppraisal: 95);
        var result = Assert.Single(YearEndAppraisal.Appraise(_default.Appraisal, [standing]));
        // 83 × 0.8 + 95 × 0.2 = 66.4 + 19 = 85.4 → 合格 (and the absence would bar 优秀 anyway)
        Assert.Equal((85.4m, "Qualified"), (result.FinalScore, result.Grade));
        Assert.Contains(result.Reasons, r => r.Contains("一票否决"));
    }

    [Fact]
    public void the_published_form_must_agree_with_the_document()
    {
        var published = new PointsEngine.Domain.Facts.RuleSetPublished(new FactId("p"), new DateOnly(2025, 1, 1), new RuleSetVersion("other"),
            new DateOnly(2025, 1, 1), RuleSetDocument.DefaultDocument());
        var error = Assert.Throws<RuleSetValidationException>(() => RuleSetDocument.Parse(published));
        Assert.Equal("$.version", Assert.Single(error.Problems).Path);
    }
}
