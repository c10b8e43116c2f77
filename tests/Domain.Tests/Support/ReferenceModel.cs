using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;

namespace PointsEngine.Domain.Tests.Support;

/// A deliberately simple reference: what a branch secretary does with a pencil for one year under
/// a SimpleScheme. Start from the base score, walk the active facts by (date, fact id), give each
/// matching rule its points, clip awards at the rule's caps, clip deductions at the total floor.
/// No diffs, no events, no state: if the engine agrees with this, the machinery adds nothing wrong.
public static class ReferenceModel
{
    public static decimal YearTotal(RuleSet scheme, IEnumerable<MemberFact> facts)
    {
        var total = scheme.BaseScore.Value;
        var used = new Dictionary<string, decimal>(); // rule id + period → granted so far
        var floor = scheme.TotalCaps.Select(c => c.Min?.Value).FirstOrDefault(m => m is not null);
        foreach (var fact in facts.OrderBy(f => f.OccurredOn).ThenBy(f => f.FactId.Value, StringComparer.Ordinal))
        {
            foreach (var rule in scheme.Rules)
            {
                var points = PointsFor(rule, fact);
                if (points is null) continue;
                var granted = points.Value;
                if (granted > 0)
                {
                    foreach (var cap in rule.Caps)
                    {
                        var key = $"{rule.Id}@{Values.Period.Containing(fact.OccurredOn, cap.Period)}";
                        var room = cap.Max!.Value.Value - used.GetValueOrDefault(key);
                        granted = Math.Max(0, Math.Min(granted, room));
                    }
                    foreach (var cap in rule.Caps)
                    {
                        var key = $"{rule.Id}@{Values.Period.Containing(fact.OccurredOn, cap.Period)}";
                        used[key] = used.GetValueOrDefault(key) + granted;
                    }
                }
                else if (granted < 0 && floor is { } f)
                {
                    granted = Math.Max(granted, Math.Min(0, f - total));
                }
                total += granted;
            }
        }
        return total;
    }

    private static decimal? PointsFor(Rule rule, MemberFact fact) => fact switch
    {
        AttendanceRecorded a when rule.Fact == Values.FactKind.Attendance
            && (rule.When.MeetingKinds is null || rule.When.MeetingKinds.Contains(a.Meeting))
            && (rule.When.Attendance is null || rule.When.Attendance.Contains(a.Status)) => rule.Amount.Value,
        AdjustmentRecorded adj when rule.Basis == PointsBasis.AsRecorded => adj.Points.Value,
        // A declared activity (#22): the rule of its kind, if the set still declares the kind; a bonus rule only with its flag set.
        ActivityRecorded a when rule.Fact == Values.FactKind.Activity && rule.Activity == a.Activity
            && (rule.When.Flags ?? []).All(flag => a.Values.Any(v => v.Field == flag && v.YesNo == true)) => rule.Basis switch
        {
            PointsBasis.Bands => rule.Bands!.FirstOrDefault(b => a.Number(rule.Field) is { } n && n >= b.From && (b.To is null || n <= b.To))?.Points.Value,
            _ => rule.Amount.Value,
        },
        _ => null,
    };
}
