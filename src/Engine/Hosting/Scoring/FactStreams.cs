using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Domain.Workflows;
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
    private const string NoticePrefix = "notice-";
    private const string CheckInPrefix = "checkin-";

    public static StreamName Member(MemberId member) => new($"member-{member.Value}");

    /// A member's facts as recorded (their submissions, their claims and what scores them).
    public static StreamName MemberFacts(MemberId member) => new(MemberFactsPrefix + member.Value);

    /// One branch's public notice for one period (2025-06, 2025-Q2, 2025) with its objections and answers.
    public static StreamName Notice(BranchId branch, string period) => new($"{NoticePrefix}{branch.Value}-{period}");

    /// One meeting's check-in session (签到) by its short code. Not routed: nothing in it scores; the
    /// meeting it ends in is recorded as a MeetingHeld of its own.
    public static StreamName CheckIn(string session) => new(CheckInPrefix + session);

    /// Whether the stream holds facts as recorded (rather than members' decisions or snapshots): only
    /// these are routed, so the dispatcher does not re-read its own awards.
    public static bool HoldsRecordedFacts(StreamName stream) => HoldsRecordedFacts(stream.Value);

    /// <see cref="HoldsRecordedFacts(StreamName)"/> on the stored name, as a subscription filter.
    public static bool HoldsRecordedFacts(string stream) =>
        stream == Organisation.Value || stream == Rules.Value || stream == Calendar.Value || stream == Revocations.Value
        || stream.StartsWith(BranchPrefix, StringComparison.Ordinal)
        || stream.StartsWith(MemberFactsPrefix, StringComparison.Ordinal)
        || stream.StartsWith(NoticePrefix, StringComparison.Ordinal);

    public static StreamName For(IFact fact) => fact switch
    {
        NetworkZoneRegistered or BranchRegistered or PartyGroupRegistered or MemberEnrolled or MemberTransferred
            or MemberLeft or MemberCategoryChanged or MemberStatusChanged
            or BranchSecretaryAppointed or BranchSecretaryRelieved => Organisation,
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
        ActivityLogged a => new StreamName(MemberFactsPrefix + a.Member.Value),
        ClaimSubmitted c => MemberFacts(c.Member),
        ClaimAccepted c => MemberFacts(c.Member),
        ClaimRejected c => MemberFacts(c.Member),
        NoticePublished n => Notice(n.Branch, n.Period),
        ObjectionRaised o => Notice(o.Branch, o.Period),
        ObjectionAnswered a => Notice(a.Branch, a.Period),
        NoticeFinalised f => Notice(f.Branch, f.Period),
        CheckInOpened c => CheckIn(c.Session),
        MemberCheckedIn c => CheckIn(c.Session),
        LeaveRequested l => CheckIn(l.Session),
        LeaveApproved l => CheckIn(l.Session),
        AttendanceMarked m => CheckIn(m.Session),
        CheckInClosed c => CheckIn(c.Session),
        _ => throw new ArgumentException($"No stream is defined for {fact.GetType().Name}.", nameof(fact)),
    };

    /// The event id of a recorded fact: its fact id is the idempotency key, so recording the same fact
    /// twice (a retried request, a re-run import) writes it once.
    public static Guid EventIdOf(IFact fact) => DeterministicIds.NameBased($"fact|{fact.FactId.Value}");
}
