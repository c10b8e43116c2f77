using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Scoring;
using PointsEngine.Domain.Tests.Support;
using PointsEngine.Domain.Values;
using static PointsEngine.Domain.Tests.Support.TestRules;

namespace PointsEngine.Domain.Tests.Examples;

// #22: activity kinds declared in the rule set, scored by the same tools as the built-ins.

public sealed class when_declared_activities_are_scored
{
    private static readonly MemberId M = new("m-001");

    private static ActivityRecorded TrainingOf(string id, string date, decimal days) =>
        new(new FactId(id), DateOnly.Parse(date), M, "training", new RuleSetVersion("v1"), [new ActivityValue("days", Number: days)]);

    private static ActivityRecorded ArticleOf(string id, string date, bool award) =>
        new(new FactId(id), DateOnly.Parse(date), M, "article", new RuleSetVersion("v1"),
            [new ActivityValue("title", Text: "心得"), new ActivityValue("cityAward", YesNo: award)]);

    private static RuleSet V1 => Set("v1", Jan1, TrainingBands(1, 2, 3), ArticlePoints(3), ArticleAward(3))
        .WithCategories(new ScoringCategory("study", "学习培训", [Cap.YearlyMax(8)])) with { Kinds = [Training, Article] };

    [Fact]
    public void bands_of_a_number_pick_the_band_that_holds_it_and_a_set_flag_adds_its_bonus()
    {
        var member = MemberHarness.For("m-001", V1).HandleAll([
            new ScoreFact(TrainingOf("t1", "2025-02-01", 3)),   // 0–6 days: +1
            new ScoreFact(TrainingOf("t2", "2025-03-01", 10)),  // 7 days and more: +2
            new ScoreFact(ArticleOf("a1", "2025-04-01", award: true)),   // +3, and +3 for the city-level award
            new ScoreFact(ArticleOf("a2", "2025-05-01", award: false)),  // +3 asked; the category cap of 8 leaves 0
        ]);
        var lines = member.State.LinesIn(2025).Select(l => (l.AwardId, l.Requested.Value, l.Granted.Value)).ToList();
        Assert.Equal([("t1/training", 1m, 1m), ("t2/training", 2m, 2m), ("a1/article", 3m, 3m), ("a1/article.city-award", 3m, 2m), ("a2/article", 3m, 0m)], lines);
        Assert.Equal(8m, member.Total(2025));
    }

    [Fact]
    public void a_kind_dropped_by_a_later_rule_set_scores_0_from_its_effective_date_with_its_own_line()
    {
        var v2 = Set("v2", new DateOnly(2025, 7, 1), TrainingBands(1, 2, 3)) with { Kinds = [Training] };
        var member = MemberHarness.For("m-001", V1, v2).HandleAll([
            new ScoreFact(ArticleOf("a1", "2025-04-01", award: false)),
            new ScoreFact(ArticleOf("a2", "2025-08-01", award: true)),
        ]);
        var lines = member.State.LinesIn(2025);
        Assert.Equal(3m, Assert.Single(lines, l => l.FactId?.Value == "a1").Granted.Value);
        var withdrawn = Assert.Single(lines, l => l.FactId?.Value == "a2");
        Assert.Equal(YearScorer.WithdrawnRule, withdrawn.Rule.Value);
        Assert.Equal("v2", withdrawn.Version.Value);
        Assert.Equal(0m, withdrawn.Granted.Value);
        // The fact keeps its kind: it is still the article recorded under v1.
        Assert.Contains(member.State.FactsIn(2025), f => f is ActivityRecorded { Activity: "article", DeclaredIn.Value: "v1" });
    }

    [Fact]
    public void a_back_dated_set_that_drops_a_kind_reverts_its_points_and_one_that_restores_it_awards_them_again()
    {
        var member = MemberHarness.For("m-001", V1);
        member.Handle(new ScoreFact(ArticleOf("a1", "2025-08-01", award: false)));
        Assert.Equal(3m, member.Total(2025));

        member.Rules = member.Rules.With(Set("v2", new DateOnly(2025, 7, 1), TrainingBands(1, 2, 3)) with { Kinds = [Training] });
        var events = member.Emitted(new ApplyRuleBook(M, new RuleSetVersion("v2"), new DateOnly(2025, 7, 1)));
        Assert.Contains(events, e => e is PointsReverted { AwardId: "a1/article" });
        Assert.Contains(events, e => e is PointsAwarded { Rule.Value: YearScorer.WithdrawnRule, Granted.Value: 0m });
        Assert.Equal(0m, member.Total(2025));

        // A later set may declare the kind again, with other points: the record is scored by it.
        member.Rules = member.Rules.With(Set("v3", new DateOnly(2025, 7, 2), ArticlePoints(5)) with { Kinds = [Article] });
        member.Handle(new ApplyRuleBook(M, new RuleSetVersion("v3"), new DateOnly(2025, 7, 2)));
        Assert.Equal(5m, member.Total(2025));
    }

    [Fact]
    public void per_unit_rules_read_the_declared_number_and_round_as_the_rule_says()
    {
        var notes = new ActivityKind("notes", "学习笔记", [new ActivityField("pieces", "篇数", ActivityFieldType.Number, [], ActivityUnit.Items, true)], [ActivityRecorder.Member]);
        var rule = new Rule(new RuleId("notes"), "学习笔记 每篇 +1", "study", FactKind.Activity, RuleConditions.Always, PointsBasis.PerUnit, new Points(1.5m), null, 2m,
            new Rounding(1m, RoundingMode.Down), [new Cap(PeriodKind.Quarter, 2, null)], null) { Activity = "notes", Field = "pieces" };
        var member = MemberHarness.For("m-001", Set("v1", Jan1, rule) with { Kinds = [notes] }).HandleAll([
            new ScoreFact(new ActivityRecorded(new FactId("n1"), new DateOnly(2025, 1, 5), M, "notes", new RuleSetVersion("v1"), [new ActivityValue("pieces", Number: 1)])),
            new ScoreFact(new ActivityRecorded(new FactId("n2"), new DateOnly(2025, 2, 5), M, "notes", new RuleSetVersion("v1"), [new ActivityValue("pieces", Number: 5)])),
        ]);
        // 1 × 1.5 → 1 (rounded down); 5 pieces counted as 2 → 3, clipped to the quarter's remaining 1.
        Assert.Equal([1m, 1m], member.State.LinesIn(2025).Select(l => l.Granted.Value));
        Assert.Equal([1m, 3m], member.State.LinesIn(2025).Select(l => l.Requested.Value));
    }
}
