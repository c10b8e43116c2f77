using System.Runtime.Serialization;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

// The per-member view of a fact, as FactRouting produces it and as the member's stream records it
// when accepted ("this fact is now part of my ledger"). Each carries what the rules look at, so
// scoring never needs the original fact or another stream.

public abstract record MemberFact(FactId FactId, DateOnly OccurredOn, MemberId Member) : IFact, IMemberEvent
{
    [IgnoreDataMember] // derived from the type; not part of the stored payload
    public abstract FactKind Kind { get; }
}

public sealed record AttendanceRecorded(
    FactId FactId, DateOnly OccurredOn, MemberId Member, BranchId Branch, MeetingKind Meeting, MeetingMode Mode,
    AttendanceStatus Status) : MemberFact(FactId, OccurredOn, Member)
{
    [IgnoreDataMember]
    public override FactKind Kind => FactKind.Attendance;
}

public sealed record SuggestionAssessmentRecorded(
    FactId FactId, DateOnly OccurredOn, MemberId Member, FactId Suggestion, SuggestionLevel Level)
    : MemberFact(FactId, OccurredOn, Member)
{
    [IgnoreDataMember]
    public override FactKind Kind => FactKind.SuggestionAssessment;
}

public sealed record GoldenIdeaAwardRecorded(
    FactId FactId, DateOnly OccurredOn, MemberId Member, FactId Idea, GoldenIdeaLevel Level)
    : MemberFact(FactId, OccurredOn, Member)
{
    [IgnoreDataMember]
    public override FactKind Kind => FactKind.GoldenIdeaAward;
}

public sealed record GoldenIdeaImplementationRecorded(FactId FactId, DateOnly OccurredOn, MemberId Member, FactId Idea)
    : MemberFact(FactId, OccurredOn, Member)
{
    [IgnoreDataMember]
    public override FactKind Kind => FactKind.GoldenIdeaImplementation;
}

public sealed record VolunteerServiceRecorded(FactId FactId, DateOnly OccurredOn, MemberId Member, decimal Hours, string Activity)
    : MemberFact(FactId, OccurredOn, Member)
{
    [IgnoreDataMember]
    public override FactKind Kind => FactKind.VolunteerService;
}

public sealed record AdjustmentRecorded(FactId FactId, DateOnly OccurredOn, MemberId Member, Points Points, string Reason, string Approver)
    : MemberFact(FactId, OccurredOn, Member)
{
    [IgnoreDataMember]
    public override FactKind Kind => FactKind.Adjustment;
}

/// A declared activity (#22) as the member's ledger keeps it: the kind (Activity), the version that declared it, the values.
public sealed record ActivityRecorded(
    FactId FactId, DateOnly OccurredOn, MemberId Member, string Activity, RuleSetVersion DeclaredIn, IReadOnlyList<Rules.ActivityValue> Values)
    : MemberFact(FactId, OccurredOn, Member)
{
    [IgnoreDataMember]
    public override FactKind Kind => FactKind.Activity;

    public decimal? Number(string? field) => Value(field)?.Number;
    public string? Text(string? field) => Value(field)?.Text;
    public bool IsSet(string field) => Value(field)?.YesNo == true;

    private Rules.ActivityValue? Value(string? field)
    {
        for (var i = 0; i < Values.Count; i++)
            if (Values[i].Field == field) return Values[i];
        return null;
    }

    public bool Equals(ActivityRecorded? other) =>
        other is not null && FactId == other.FactId && OccurredOn == other.OccurredOn && Member == other.Member && Activity == other.Activity
        && DeclaredIn == other.DeclaredIn && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(FactId, OccurredOn, Member, Activity, DeclaredIn, Values.Count);
}

/// A revocation as it concerns this member. Recorded even when the target has not arrived yet, so
/// the target is ignored whenever it does (arrival order never matters).
public sealed record RevocationRecorded(FactId FactId, DateOnly OccurredOn, MemberId Member, FactId Target, string Reason)
    : IFact, IMemberEvent;

/// The member's ledger for a year exists (carries the base score) even before a first fact.
public sealed record MemberYearOpened(MemberId Member, int Year) : IMemberEvent;
