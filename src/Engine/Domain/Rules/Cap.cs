using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Rules;

/// Bounds on the net sum of granted points within each period of the given kind: Max clips awards
/// (上限), Min clips deductions (floor, 保底: "never below 0"). Either may be absent.
public sealed record Cap(PeriodKind Period, Points? Max, Points? Min)
{
    public static Cap YearlyMax(Points max) => new(PeriodKind.Year, max, null);
    public static Cap YearlyFloor(Points min) => new(PeriodKind.Year, null, min);

    public override string ToString() =>
        $"{PeriodText}{(Max is { } max ? $" ≤ {max}" : "")}{(Min is { } min ? $" ≥ {min}" : "")}";

    public string PeriodText => Period switch { PeriodKind.Month => "每月 per month", PeriodKind.Quarter => "每季度 per quarter", _ => "每年 per year" };
}
