using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// One line of the member's ledger (台账): the fact, the rule and rule-set version behind the points.
public sealed record LedgerEntry(
    string AwardId, FactId? FactId, RuleId Rule, RuleSetVersion Version, string Category, DateOnly OccurredOn,
    Points Requested, Points Granted, string? CapNote);
