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

    public static Cap Yearly(Points max) => Cap.YearlyMax(max);
    public static Cap Every(PeriodKind period, Points max) => new(period, max, null);

    public static readonly DateOnly Jan1 = new(2025, 1, 1);
}
