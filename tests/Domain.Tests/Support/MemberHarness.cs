using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;

namespace PointsEngine.Domain.Tests.Support;

/// What the actor host does, minus the actor: decide, append to the stream, evolve.
public sealed class MemberHarness(MemberId member, RuleBook rules)
{
    private readonly List<IMemberEvent> _stream = [];

    public MemberState State { get; private set; } = MemberScoring.Initial(member);
    public RuleBook Rules { get; set; } = rules;
    public OrganisationCalendar Calendar { get; set; } = OrganisationCalendar.AllOpen;
    public IReadOnlyList<IMemberEvent> Stream => _stream;

    public static MemberHarness For(string member, params RuleSet[] sets) => new(new MemberId(member), RuleBook.Of(sets));

    public Decision Handle(MemberCommand command)
    {
        var decision = MemberScoring.Decide(State, command, Rules, Calendar);
        if (decision is Accepted accepted)
        {
            foreach (var e in accepted.Events)
            {
                _stream.Add(e);
                State = MemberScoring.Evolve(State, e);
            }
            // The actor takes the decision's state instead of folding: every law run through this harness
            // also checks that it is the fold of the events (issue #7).
            if (accepted.StateAfter is { } after) Xunit.Assert.Equal(State, after);
        }
        return decision;
    }

    public IReadOnlyList<IMemberEvent> Emitted(MemberCommand command) =>
        Handle(command) switch
        {
            Accepted a => a.Events,
            Rejected r => throw new InvalidOperationException($"Rejected: {r.Rejection}"),
            _ => throw new InvalidOperationException(),
        };

    public MemberHarness HandleAll(IEnumerable<MemberCommand> commands)
    {
        foreach (var c in commands) Handle(c);
        return this;
    }

    public decimal Total(int year) => State.TotalIn(year).Value;

    /// Granted points per award line, the comparable essence of a ledger.
    public IReadOnlyDictionary<string, decimal> Granted(int year) =>
        State.LedgerIn(year).ToDictionary(kv => kv.Key, kv => kv.Value.Granted.Value);
}
