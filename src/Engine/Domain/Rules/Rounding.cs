using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Rules;

public enum RoundingMode
{
    Down,    // 去尾: 1.9 h at 1 point/h with step 1 → 1
    HalfUp,  // 四舍五入, half away from zero
    Up,      // 进一
}

/// How computed points (units × rate) become points: to a multiple of Step.
public sealed record Rounding(decimal Step, RoundingMode Mode)
{
    public static readonly Rounding Cents = new(0.01m, RoundingMode.HalfUp);

    public Points Apply(decimal value)
    {
        if (Step <= 0) return Points.Round(value);
        var steps = value / Step;
        var whole = Mode switch
        {
            RoundingMode.Down => decimal.Truncate(steps),
            RoundingMode.Up => steps >= 0 ? decimal.Ceiling(steps) : decimal.Floor(steps),
            _ => decimal.Round(steps, 0, MidpointRounding.AwayFromZero),
        };
        return Points.Round(whole * Step);
    }
}
