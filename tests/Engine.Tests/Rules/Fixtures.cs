using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;

namespace PointsEngine.Engine.Tests.Rules;

internal static class Fixtures
{
    public static readonly MemberId Member = new("m-001");
    public static readonly BranchId Branch = new("b-01");

    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rules", "Fixtures", name));

    public static RuleSet Load(string name) => RuleSetDocument.Parse(Read(name));

    /// Scores the facts one by one as the member actor would, and returns the final state.
    public static MemberState Score(RuleSet set, params MemberFact[] facts)
    {
        var book = RuleBook.Of(set);
        var state = MemberScoring.Initial(Member);
        state = Apply(state, new OpenYear(Member, 2025), book);
        foreach (var fact in facts) state = Apply(state, new ScoreFact(fact), book);
        return state;
    }

    private static MemberState Apply(MemberState state, MemberCommand command, RuleBook book) =>
        MemberScoring.Decide(state, command, book) is Accepted accepted
            ? accepted.Events.Aggregate(state, MemberScoring.Evolve)
            : throw new InvalidOperationException($"{command} was rejected");

    private static int _next;

    public static AttendanceRecorded Meeting(MeetingKind kind, AttendanceStatus status, string date) =>
        new(new FactId($"f{Interlocked.Increment(ref _next):0000}"), DateOnly.Parse(date), Member, Branch, kind, MeetingMode.InPerson, status);

    public static VolunteerServiceRecorded Volunteer(decimal hours, string date) =>
        new(new FactId($"f{Interlocked.Increment(ref _next):0000}"), DateOnly.Parse(date), Member, hours, "社区服务");

    public static AdjustmentRecorded Adjustment(int points, string date) =>
        new(new FactId($"f{Interlocked.Increment(ref _next):0000}"), DateOnly.Parse(date), Member, points, "违纪扣分", "党委");
}
