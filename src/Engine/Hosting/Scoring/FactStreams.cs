using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;

namespace PointsEngine.Engine.Scoring;

/// Which stream a recorded fact goes to, and the streams the router folds at start-up. Facts about the
/// organisation, the rules and the calendar live in streams of their own, so the router rebuilds what it
/// needs by reading three streams instead of the whole log.
public static class FactStreams
{
    public static readonly StreamName Organisation = new("organisation");
    public static readonly StreamName Rules = new("rules");
    public static readonly StreamName Calendar = new("calendar");
    public static readonly StreamName Revocations = new("revocations");

    public static StreamName Member(MemberId member) => new($"member-{member.Value}");

    public static StreamName For(IFact fact) => fact switch
    {
        NetworkZoneRegistered or BranchRegistered or PartyGroupRegistered or MemberEnrolled or MemberTransferred
            or MemberLeft or MemberCategoryChanged or MemberStatusChanged => Organisation,
        RuleSetPublished => Rules,
        YearClosed or YearReopened => Calendar,
        FactRevoked => Revocations,
        MeetingHeld m => new StreamName($"branch-{m.Branch.Value}"),
        SuggestionSubmitted s => new StreamName($"facts-{s.Member.Value}"),
        SuggestionAssessed s => new StreamName($"facts-{s.Member.Value}"),
        GoldenIdeaSubmitted g => new StreamName($"facts-{g.Member.Value}"),
        GoldenIdeaAwarded g => new StreamName($"facts-{g.Member.Value}"),
        GoldenIdeaImplemented g => new StreamName($"facts-{g.Member.Value}"),
        VolunteerServiceLogged v => new StreamName($"facts-{v.Member.Value}"),
        ManualAdjustment a => new StreamName($"facts-{a.Member.Value}"),
        _ => throw new ArgumentException($"No stream is defined for {fact.GetType().Name}.", nameof(fact)),
    };

    /// The event id of a recorded fact: its fact id is the idempotency key, so recording the same fact
    /// twice (a retried request, a re-run import) writes it once.
    public static Guid EventIdOf(IFact fact) => DeterministicIds.NameBased($"fact|{fact.FactId.Value}");
}
