using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Facts;

// Facts as people record them, once each: the secretary records a meeting with its whole attendance
// list; the branch committee assesses a suggestion; the organiser verifies volunteer hours.
// FactRouting turns each into the per-member facts that are scored.

public sealed record AttendanceEntry(MemberId Member, AttendanceStatus Status);

public sealed record MeetingHeld(
    FactId FactId, DateOnly OccurredOn, BranchId Branch, PartyGroupId? Group, MeetingKind Kind, MeetingMode Mode,
    string Topic, IReadOnlyList<AttendanceEntry> Attendance) : IFact;

public sealed record SuggestionSubmitted(FactId FactId, DateOnly OccurredOn, MemberId Member, BranchId Branch, string Title) : IFact;

/// Points come from the assessment, dated when the committee assessed it. A later assessment of the
/// same suggestion supersedes an earlier one (re-assessment upgrades, never adds).
public sealed record SuggestionAssessed(
    FactId FactId, DateOnly OccurredOn, FactId Suggestion, MemberId Member, SuggestionLevel Level, string Assessor) : IFact;

public sealed record GoldenIdeaSubmitted(FactId FactId, DateOnly OccurredOn, MemberId Member, BranchId Branch, string Title) : IFact;

public sealed record GoldenIdeaAwarded(FactId FactId, DateOnly OccurredOn, FactId Idea, MemberId Member, GoldenIdeaLevel Level, string Panel) : IFact;

public sealed record GoldenIdeaImplemented(FactId FactId, DateOnly OccurredOn, FactId Idea, MemberId Member) : IFact;

public sealed record VolunteerServiceLogged(
    FactId FactId, DateOnly OccurredOn, MemberId Member, decimal Hours, string Activity, string Verifier) : IFact;

public sealed record ManualAdjustment(
    FactId FactId, DateOnly OccurredOn, MemberId Member, Points Points, string Reason, string Approver) : IFact;

/// An activity of a kind the rule set declares (#22): 参加党校培训 10 天, 撰写心得体会 (获市级奖励), … One generic fact for
/// every declared kind, naming the kind and the rule-set version whose declaration it was checked against; the
/// values are those the declaration asks for. KindName and Description are the declaration's words at recording
/// time, so the record still reads the same when a later rule set renames or drops the kind.
public sealed record ActivityLogged(
    FactId FactId, DateOnly OccurredOn, MemberId Member, string Kind, RuleSetVersion DeclaredIn, IReadOnlyList<Rules.ActivityValue> Values,
    string KindName, string Description) : IFact
{
    // Equal by content (a record compares lists by reference): a re-delivered copy is the same fact.
    public bool Equals(ActivityLogged? other) =>
        other is not null && FactId == other.FactId && OccurredOn == other.OccurredOn && Member == other.Member && Kind == other.Kind
        && DeclaredIn == other.DeclaredIn && Values.SequenceEqual(other.Values) && KindName == other.KindName && Description == other.Description;

    public override int GetHashCode() => HashCode.Combine(FactId, OccurredOn, Member, Kind, DeclaredIn, Values.Count);
}

/// Revokes an earlier fact. <paramref name="Members"/> are the members the target concerned (the
/// recorder copies them from the target), so routing stays a pure function of this event alone.
public sealed record FactRevoked(
    FactId FactId, DateOnly OccurredOn, FactId Target, string Reason, IReadOnlyList<MemberId> Members) : IFact;

/// The organisation's year is under way: every member on the roster has the year's ledger opened (its base
/// score) even before a fact of theirs is dated in it. Recorded once per year, by the engine when the first
/// fact dated in the year is recorded (its fact id is derived from the year, so a second recording is the
/// same event and writes nothing).
public sealed record YearOpened(FactId FactId, DateOnly OccurredOn, int Year) : IFact
{
    public static YearOpened Of(int year) => new(new FactId($"year-opened-{year}"), new DateOnly(year, 1, 1), year);
}

public sealed record YearClosed(FactId FactId, DateOnly OccurredOn, int Year) : IFact;

public sealed record YearReopened(FactId FactId, DateOnly OccurredOn, int Year, string Reason) : IFact;

/// The rule-set document exactly as published (JSON text): the evidence of which rules applied.
/// The host parses it into a RuleSet with the rule-set loader.
public sealed record RuleSetPublished(
    FactId FactId, DateOnly OccurredOn, RuleSetVersion Version, DateOnly EffectiveFrom, string Document) : IFact;
