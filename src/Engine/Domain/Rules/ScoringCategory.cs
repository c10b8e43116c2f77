namespace PointsEngine.Domain.Rules;

/// A scoring category (出勤, 建议, 金点子, 志愿服务, …) with caps and floors on its net sum.
public sealed record ScoringCategory(string Id, string Name, IReadOnlyList<Cap> Caps);
