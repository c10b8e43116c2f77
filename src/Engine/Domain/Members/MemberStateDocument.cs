using System.Collections.Immutable;
using System.Runtime.Serialization;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Members;

/// MemberState in a shape any plain serializer can write and read back (no abstract or interface
/// element types), for snapshots: MemberStateDocument.From(state) → JSON → ToState() equals state.
public sealed record MemberStateDocument(
    MemberId Member,
    IReadOnlyList<StoredMemberFact> Facts,
    IReadOnlyList<StoredMembershipChange> Changes,
    IReadOnlyList<SeenFact> Seen,
    IReadOnlyList<FactId> Revoked,
    IReadOnlyList<int> Years,
    IReadOnlyList<LedgerEntry> Ledger)
{
    public static MemberStateDocument From(MemberState state) => new(
        state.Member,
        [.. state.ByYear.SelectMany(y => y.Facts).Select(f => StoredMemberFact.Of(f.ToFact(state.Member)))],
        [.. state.Profile.Changes.Select(StoredMembershipChange.Of)],
        [.. state.Seen],
        [.. state.Revoked.OrderBy(f => f.Value, StringComparer.Ordinal)],
        [.. state.YearList],
        [.. state.ByYear.SelectMany(y => y.Entries().OrderBy(l => l.AwardId, StringComparer.Ordinal))]);

    /// The same state as evolving it from its stream: facts and lines are added through Evolve's own
    /// steps, so a snapshot written by an earlier version (any order of facts or lines) reads the same.
    public MemberState ToState()
    {
        var profile = MemberProfile.Unknown;
        foreach (var change in Changes) profile = profile.With(change.Event);
        var state = MemberScoring.Initial(Member) with { Profile = profile, Revoked = [.. Revoked], YearList = [.. Years.Distinct().Order()] };
        foreach (var stored in Facts) state = MemberScoring.WithFact(state, stored.Fact);
        foreach (var line in Ledger) state = MemberScoring.WithLine(state, line);
        foreach (var seen in Seen)
            if (state.FactsIn(seen.OccurredOn.Year) is var facts && !facts.Any(f => f.FactId == seen.Fact) && !profile.Holds(seen.Fact))
                state = state.WithOtherSeen(seen.Fact, seen.OccurredOn);
        return state;
    }
}

public sealed record SeenFact(FactId Fact, DateOnly OccurredOn);

/// Exactly one member fact, in whichever field its type names.
public sealed record StoredMemberFact(
    AttendanceRecorded? Attendance = null,
    SuggestionAssessmentRecorded? SuggestionAssessment = null,
    GoldenIdeaAwardRecorded? GoldenIdeaAward = null,
    GoldenIdeaImplementationRecorded? GoldenIdeaImplementation = null,
    VolunteerServiceRecorded? VolunteerService = null,
    AdjustmentRecorded? Adjustment = null,
    ActivityRecorded? Activity = null) // #22; absent from snapshots taken before declared kinds, which read as before
{
    public static StoredMemberFact Of(MemberFact fact) => fact switch
    {
        AttendanceRecorded a => new(Attendance: a),
        SuggestionAssessmentRecorded s => new(SuggestionAssessment: s),
        GoldenIdeaAwardRecorded g => new(GoldenIdeaAward: g),
        GoldenIdeaImplementationRecorded i => new(GoldenIdeaImplementation: i),
        VolunteerServiceRecorded v => new(VolunteerService: v),
        AdjustmentRecorded a => new(Adjustment: a),
        ActivityRecorded a => new(Activity: a),
        _ => throw new ArgumentException($"Unknown member fact {fact.GetType().Name}.", nameof(fact)),
    };

    [IgnoreDataMember]
    public MemberFact Fact =>
        (MemberFact?)Attendance ?? SuggestionAssessment ?? GoldenIdeaAward ?? GoldenIdeaImplementation ?? VolunteerService
        ?? (MemberFact?)Adjustment ?? Activity ?? throw new InvalidOperationException("A stored member fact holds no fact.");
}

/// Exactly one membership change, in whichever field its type names.
public sealed record StoredMembershipChange(
    MemberEnrolled? Enrolled = null,
    MemberTransferred? Transferred = null,
    MemberLeft? Left = null,
    MemberCategoryChanged? CategoryChanged = null,
    MemberStatusChanged? StatusChanged = null)
{
    public static StoredMembershipChange Of(IMemberEvent change) => change switch
    {
        MemberEnrolled e => new(Enrolled: e),
        MemberTransferred t => new(Transferred: t),
        MemberLeft l => new(Left: l),
        MemberCategoryChanged c => new(CategoryChanged: c),
        MemberStatusChanged s => new(StatusChanged: s),
        _ => throw new ArgumentException($"Unknown membership change {change.GetType().Name}.", nameof(change)),
    };

    [IgnoreDataMember]
    public IMemberEvent Event =>
        (IMemberEvent?)Enrolled ?? Transferred ?? Left ?? CategoryChanged ?? (IMemberEvent?)StatusChanged
        ?? throw new InvalidOperationException("A stored membership change holds no change.");
}
