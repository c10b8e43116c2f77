using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

// Decisions. An award line is identified by AwardId (fact/rule, or rule/period for the base score and
// bonuses); it is awarded once, then only corrected or reverted, never rewritten. Lines with 0 granted
// are kept: "requested 5, granted 0, yearly cap reached" is evidence too.

public sealed record PointsAwarded(
    MemberId Member, string AwardId, FactId? FactId, RuleId Rule, RuleSetVersion Version, string Category,
    DateOnly OccurredOn, Points Requested, Points Granted, string? CapNote, string Cause) : IMemberEvent;

public sealed record PointsReverted(
    MemberId Member, string AwardId, FactId? FactId, RuleId Rule, RuleSetVersion Version, string Category,
    DateOnly OccurredOn, Points Granted, string Cause) : IMemberEvent;

public sealed record PointsCorrected(
    MemberId Member, string AwardId, FactId? FactId, RuleId Rule, string Category, DateOnly OccurredOn,
    RuleSetVersion OldVersion, RuleSetVersion NewVersion, Points OldRequested, Points NewRequested,
    Points OldGranted, Points NewGranted, string? CapNote, string Cause) : IMemberEvent;
