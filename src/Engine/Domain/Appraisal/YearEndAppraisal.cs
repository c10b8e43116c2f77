using System.Globalization;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Appraisal;

/// Year-end grades and vanguard designations (评优评先) from members' standings. Pure: the same
/// standings and scheme always give the same results, each with its reasons.
public static class YearEndAppraisal
{
    public static IReadOnlyList<AppraisalResult> Appraise(AppraisalScheme scheme, IEnumerable<Standing> standings)
    {
        var graded = standings.Select(s => Grade(scheme, s)).ToList();
        return scheme.Vanguard is { } vanguard ? Designate(vanguard, graded) : [.. graded.Select(g => g.Result)];
    }

    public static decimal FinalScore(AppraisalScheme scheme, Standing standing) =>
        standing.DemocraticAppraisal is { } appraisal && scheme.AppraisalWeight > 0
            ? decimal.Round(standing.Total.Value * scheme.PointsWeight + appraisal * scheme.AppraisalWeight, 2, MidpointRounding.AwayFromZero)
            : standing.Total.Value;

    private static (Standing Standing, AppraisalResult Result) Grade(AppraisalScheme scheme, Standing standing)
    {
        var reasons = new List<string>();
        var score = FinalScore(scheme, standing);
        reasons.Add(standing.DemocraticAppraisal is { } a && scheme.AppraisalWeight > 0
            ? $"综合得分 final score {N(score)} = 积分 points {standing.Total} × {N(scheme.PointsWeight)} + 民主评议 appraisal {N(a)} × {N(scheme.AppraisalWeight)}"
            : $"综合得分 final score {N(score)} = 积分 points {standing.Total}");

        // A veto bars its grade and every better one.
        var barredUpTo = -1;
        foreach (var veto in scheme.Vetoes)
        {
            var value = standing.Metric(veto.When.Metric, score);
            if (!veto.When.HoldsFor(value)) continue;
            var index = IndexOf(scheme, veto.Bars);
            barredUpTo = Math.Max(barredUpTo, index);
            reasons.Add($"一票否决 veto {veto.Name}: {veto.When} ({N(value)}) → 不得评为 not eligible for {veto.Bars}");
        }

        for (var i = 0; i < scheme.Grades.Count; i++)
        {
            var band = scheme.Grades[i];
            if (i <= barredUpTo) continue;
            if (score < band.MinScore && i < scheme.Grades.Count - 1) continue;
            var unmet = band.Requires.FirstOrDefault(c => !c.HoldsFor(standing.Metric(c.Metric, score)));
            if (unmet is not null && i < scheme.Grades.Count - 1)
            {
                reasons.Add($"条件不满足 condition not met for {band.Name}: {unmet} ({N(standing.Metric(unmet.Metric, score))})");
                continue;
            }
            reasons.Add(i == scheme.Grades.Count - 1 && score < band.MinScore
                ? $"评定 grade {band.Name} ({band.Id}): 未达到更高等级 no higher grade reached"
                : $"评定 grade {band.Name} ({band.Id}): {N(score)} ≥ {N(band.MinScore)}");
            return (standing, new AppraisalResult(standing.Member, standing.Branch, score, band.Id, band.Name, false, reasons));
        }
        // Every band barred (a veto on the lowest grade): the lowest grade still applies, with the reason.
        var last = scheme.Grades[^1];
        reasons.Add($"评定 grade {last.Name} ({last.Id})");
        return (standing, new AppraisalResult(standing.Member, standing.Branch, score, last.Id, last.Name, false, reasons));
    }

    // Reasons print numbers the same way however they were summed: 89.0 and 89 are one score.
    private static string N(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static int IndexOf(AppraisalScheme scheme, string grade)
    {
        for (var i = 0; i < scheme.Grades.Count; i++)
            if (scheme.Grades[i].Id == grade) return i;
        return -1;
    }

    /// Top N % of each branch (rounded up, at least one; ties with the last place are included) and/or
    /// at least MinScore, among members whose grade is eligible.
    private static List<AppraisalResult> Designate(VanguardRule rule, List<(Standing Standing, AppraisalResult Result)> graded)
    {
        var results = new List<AppraisalResult>(graded.Count);
        foreach (var branch in graded.GroupBy(g => g.Result.Branch))
        {
            var members = branch.Select(g => g.Result).ToList();
            var ranked = members
                .OrderByDescending(r => r.FinalScore)
                .ThenBy(r => r.Member.Value, StringComparer.Ordinal)
                .ToList();
            var places = rule.TopPercent is { } pct ? Math.Max(1, (int)Math.Ceiling(members.Count * pct / 100m)) : 0;
            var cutoff = places > 0 ? ranked[Math.Min(places, ranked.Count) - 1].FinalScore : decimal.MaxValue;
            foreach (var r in members)
            {
                var rank = ranked.FindIndex(x => x.Member == r.Member) + 1;
                var inTop = rule.TopPercent is not null && r.FinalScore >= cutoff;
                var aboveMin = rule.MinScore is { } min && r.FinalScore >= min;
                var byScore = rule.TopPercent is null ? aboveMin
                    : rule.MinScore is null ? inTop
                    : rule.RequireBoth ? inTop && aboveMin : inTop || aboveMin;
                var eligible = rule.EligibleGrades.Count == 0 || rule.EligibleGrades.Contains(r.Grade);
                var reasons = r.Reasons.ToList();
                var position = $"支部排名 rank {rank}/{members.Count}"
                    + (rule.TopPercent is { } p ? $", 前 top {N(p)}% = {places} 名 places" : "")
                    + (rule.MinScore is { } m ? $", 分数线 min score {N(m)}" : "");
                reasons.Add(byScore && eligible ? $"先锋示范岗 vanguard post: {position}"
                    : !eligible ? $"非先锋示范岗 not vanguard: 等级 grade {r.GradeName} 不在 not in [{string.Join(", ", rule.EligibleGrades)}]"
                    : $"非先锋示范岗 not vanguard: {position}");
                results.Add(r with { Vanguard = byScore && eligible, Reasons = reasons });
            }
        }
        return results;
    }
}
