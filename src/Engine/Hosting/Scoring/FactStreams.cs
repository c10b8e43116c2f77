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

    private const string BranchPrefix = "branch-";
    private const string MemberFactsPrefix = "facts-";

    public static StreamName Member(MemberId member) => new($"member-{member.Value}");

    /// Whether the stream holds facts as recorded (rather than members' decisions or snapshots): only
    /// these are routed, so the dispatcher does not re-read its own awards.
    public static bool HoldsRecordedFacts(StreamName stream) =>
        stream == Organisation || stream == Rules || stream == Calendar || stream == Revocations
        || stream.Value.StartsWith(BranchPrefix, StringComparison.Ordinal)
        || stream.Value.StartsWith(MemberFactsPrefix, StringComparison.Ordinal);

    public static StreamName For(IFact fact) => fact switch
    {
        NetworkZoneRegistered or BranchRegistered or PartyGroupRegistered or MemberEnrolled or MemberTransferred
            or MemberLeft or MemberCategoryChanged or MemberStatusChanged => Organisation,
        RuleSetPublished => Rules,
        YearOpened or YearClosed or YearReopened => Calendar,
        FactRevoked => Revocations,
        MeetingHeld m => new StreamName(BranchPrefix + m.Branch.Value),
        SuggestionSubmitted s => new StreamName(MemberFactsPrefix + s.Member.Value),
        SuggestionAssessed s => new StreamName(MemberFactsPrefix + s.Member.Value),
        GoldenIdeaSubmitted g => new StreamName(MemberFactsPrefix + g.Member.Value),
        GoldenIdeaAwarded g => new StreamName(MemberFactsPrefix + g.Member.Value),
        GoldenIdeaImplemented g => new StreamName(MemberFactsPrefix + g.Member.Value),
        VolunteerServiceLogged v => new StreamName(MemberFactsPrefix + v.Member.Value),
        ManualAdjustment a => new StreamName(MemberFactsPrefix + a.Member.Value),
        _ => throw new ArgumentException($"No stream is defined for {fact.GetType().Name}.", nameof(fact)),
    };

    /// The event id of a recorded fact: its fact id is the idempotency key, so recording the same fact
    /// twice (a retried request, a re-run import) writes it once.
    public static Guid EventIdOf(IFact fact) => DeterministicIds.NameBased($"fact|{fact.FactId.Value}");
}
