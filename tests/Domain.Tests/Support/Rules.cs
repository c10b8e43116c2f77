using PointsEngine.Domain.Appraisal;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Support;

/// Small rule-set builders for tests (the JSON format is tested in Engine.Tests).
public static class TestRules
{
    public static RuleSet Set(string version, DateOnly from, params Rule[] rules) =>
        new(new RuleSetVersion(version), from, version, Points.Zero, [], [], rules, [], null);

    public static RuleSet WithBase(this RuleSet set, Points basePoints) => set with { BaseScore = basePoints };
    public static RuleSet WithTotal(this RuleSet set, params Cap[] caps) => set with { TotalCaps = caps };
    public static RuleSet WithCategories(this RuleSet set, params ScoringCategory[] categories) => set with { Categories = categories };
    public static RuleSet WithBonuses(this RuleSet set, params PeriodBonus[] bonuses) => set with { Bonuses = bonuses };
    public static RuleSet WithAppraisal(this RuleSet set, AppraisalScheme scheme) => set with { Appraisal = scheme };

    public static Rule Attendance(string id, MeetingKind[]? kinds, AttendanceStatus[] statuses, Points points, params Cap[] caps) =>
        Rule.Fixed(id, points.IsNegative ? "deduction" : "attendance", FactKind.Attendance, points,
            new RuleConditions(MeetingKinds: kinds, Attendance: statuses), caps);

    public static Rule Present(string id, MeetingKind kind, Points points, params Cap[] caps) =>
        Attendance(id, [kind], [AttendanceStatus.Present, AttendanceStatus.Late], points, caps);

    public static Rule Volunteer(string id, Points perHour, decimal? maxHours, Rounding rounding, params Cap[] caps) =>
        new(new RuleId(id), id, "volunteer", FactKind.VolunteerService, RuleConditions.Always, PointsBasis.PerUnit,
            perHour, null, maxHours, rounding, caps, null);

    public static Rule SuggestionTable(string id, params (SuggestionLevel Level, Points Points)[] table) =>
        new(new RuleId(id), id, "suggestion", FactKind.SuggestionAssessment, RuleConditions.Always, PointsBasis.LevelTable,
            Points.Zero, table.ToDictionary(t => t.Level.ToString(), t => t.Points), null, Rounding.Cents, [], null);

    public static Rule Adjustments(string id = "adjustment") =>
        new(new RuleId(id), id, "adjustment", FactKind.Adjustment, RuleConditions.Always, PointsBasis.AsRecorded,
            Points.Zero, null, null, Rounding.Cents, [], null);

    // Declared activity kinds (#22) for the generators and examples.
    public static readonly ActivityKind Training = new("training", "参加培训",
        [new ActivityField("days", "天数", ActivityFieldType.Number, [], ActivityUnit.Days, true)], [ActivityRecorder.Secretary]);

    public static readonly ActivityKind Article = new("article", "撰写心得体会",
        [new ActivityField("title", "题目", ActivityFieldType.Text, [], null, true),
         new ActivityField("cityAward", "获市级奖励", ActivityFieldType.YesNo, [], null, false)], [ActivityRecorder.Secretary, ActivityRecorder.Member]);

    /// 1–6 days → shortDays, 7 days and more → longDays.
    public static Rule TrainingBands(Points shortDays, Points longDays, int? yearlyCap) =>
        new(new RuleId("training"), "参加培训", "study", FactKind.Activity, RuleConditions.Always, PointsBasis.Bands, Points.Zero, null, null,
            Rounding.Cents, yearlyCap is { } cap ? [Cap.YearlyMax(cap)] : [], null)
        { Activity = "training", Field = "days", Bands = [new Band(0, 6, shortDays), new Band(7, null, longDays)] };

    public static Rule ArticlePoints(Points points) =>
        Rule.Fixed("article", "study", FactKind.Activity, points) with { Activity = "article" };

    public static Rule ArticleAward(Points points) =>
        Rule.Fixed("article.city-award", "study", FactKind.Activity, points, new RuleConditions(Flags: ["cityAward"])) with { Activity = "article" };

    public static Cap Yearly(Points max) => Cap.YearlyMax(max);
    public static Cap Every(PeriodKind period, Points max) => new(period, max, null);

    public static readonly DateOnly Jan1 = new(2025, 1, 1);
}
