using System.Collections.Immutable;
using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Benchmarks;

/// The inputs of the hot paths: a member part-way through a year of meetings, the shipped rule set, the
/// next attendance to score, and the events the engine stores for it. Shared by the BenchmarkDotNet
/// classes and the load generator's quick stopwatch version of them.
public sealed class DomainHotPaths
{
    public static readonly MemberId Member = new("b00-m000");
    private static readonly BranchId Branch = new("b00");

    public DomainHotPaths(int factsBefore)
    {
        var rules = RuleSetDocument.Default();
        Rules = RuleBook.Of(rules);
        // A book of ten yearly rule sets, as after a decade of use: the lookup walks them by date.
        Decade = RuleBook.Of(Enumerable.Range(0, 10).Select(i => rules with
        {
            Version = new RuleSetVersion($"{2016 + i}.1"),
            EffectiveFrom = new DateOnly(2016 + i, 1, 1),
        }));
        Serializer = DomainSerializer.Create();
        General = DomainSerializer.CreateGeneral();

        var state = MemberScoring.Initial(Member);
        state = Apply(state, new RecordMembership(new MemberEnrolled(new FactId("enrol"), new DateOnly(2024, 12, 1), Member, "党员",
            Branch, null, MemberStatus.Full, MemberCategory.Regular)));
        for (var i = 0; i < factsBefore; i++) state = Apply(state, Attendance(i));
        Before = state;
        Next = Attendance(factsBefore);
        var decision = (Accepted)MemberScoring.Decide(Before, Next, Rules, OrganisationCalendar.AllOpen);
        NextEvents = decision.Events;
        Meeting = new MeetingHeld(new FactId("meeting-40"), new DateOnly(2025, 3, 14), Branch, null, MeetingKind.GeneralMeeting,
            MeetingMode.InPerson, "学习贯彻",
            [.. Enumerable.Range(0, 40).Select(i => new AttendanceEntry(new MemberId($"b00-m{i:000}"), AttendanceStatus.Present))]);
        Award = NextEvents.OfType<PointsAwarded>().First();
        AwardData = Serializer.ToEventData(Guid.NewGuid(), Award, Metadata);
        MeetingData = Serializer.ToEventData(Guid.NewGuid(), Meeting, Metadata);
        AttendanceData = Serializer.ToEventData(Guid.NewGuid(), Next.Fact, Metadata);
    }

    public static readonly EventMetadata Metadata = new(new DateTimeOffset(2025, 3, 14, 0, 0, 0, TimeSpan.Zero), "secretary-1");

    public RuleBook Rules { get; }
    public RuleBook Decade { get; }
    public EventSerializer Serializer { get; }
    public EventSerializer General { get; }
    public MemberState Before { get; }
    public ScoreFact Next { get; }
    public IReadOnlyList<IMemberEvent> NextEvents { get; }
    public MeetingHeld Meeting { get; }
    public PointsAwarded Award { get; }
    public EventData AwardData { get; }
    public EventData MeetingData { get; }
    public EventData AttendanceData { get; }

    /// Decide one member fact and evolve the state with what was decided: the actor's work per message.
    public MemberState DecideAndEvolve()
    {
        var decision = MemberScoring.Decide(Before, Next, Rules, OrganisationCalendar.AllOpen);
        var state = Before;
        foreach (var e in ((Accepted)decision).Events) state = MemberScoring.Evolve(state, e);
        return state;
    }

    public RuleSet? LookUpRuleSet(DateOnly on) => Decade.InForceOn(on);

    public IReadOnlyList<MemberCommand> RouteMeeting() => FactRouting.Route(Meeting);

    public EventData SerializeAward() => Serializer.ToEventData(AwardData.EventId, Award, Metadata);

    public object DeserializeAward() => Serializer.Deserialize(AwardData.Type, AwardData.Data);

    public EventData SerializeMeeting() => Serializer.ToEventData(MeetingData.EventId, Meeting, Metadata);

    public object DeserializeMeeting() => Serializer.Deserialize(MeetingData.Type, MeetingData.Data);

    private MemberState Apply(MemberState state, MemberCommand command) =>
        MemberScoring.Decide(state, command, Rules, OrganisationCalendar.AllOpen) is Accepted a
            ? a.Events.Aggregate(state, MemberScoring.Evolve)
            : state;

    // Meetings through the year, a few days apart, of the kinds a branch holds (三会一课, 主题党日).
    private static ScoreFact Attendance(int i)
    {
        MeetingKind[] kinds = [MeetingKind.PartyGroupMeeting, MeetingKind.ThemePartyDay, MeetingKind.GeneralMeeting, MeetingKind.PartyLecture];
        var date = new DateOnly(2025, 1, 1).AddDays(i * 3 % 360);
        return new ScoreFact(new AttendanceRecorded(new FactId($"meeting-{i:0000}"), date, Member, Branch, kinds[i % kinds.Length],
            MeetingMode.InPerson, AttendanceStatus.Present));
    }

    /// Facts a member has before the one scored: a fresh member, a typical year, a very busy year.
    public static ImmutableArray<int> Histories { get; } = [0, 24, 100];
}
