using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;

namespace PointsEngine.Reliability.Tests.Support;

/// The whole log read back and sorted into what the reliability checks count: each recorded fact (by
/// fact id, with how often it was recorded) and each award line in the members' streams.
public sealed class LogAudit
{
    private LogAudit(Dictionary<string, List<IFact>> facts, List<(string Stream, PointsAwarded Award)> awards, long events, LogPosition head)
    {
        Facts = facts;
        Awards = awards;
        Events = events;
        Head = head;
    }

    /// Fact id → every time it was recorded (exactly one entry when all is well).
    public IReadOnlyDictionary<string, List<IFact>> Facts { get; }

    public IReadOnlyList<(string Stream, PointsAwarded Award)> Awards { get; }

    public long Events { get; }
    public LogPosition Head { get; }

    public static async Task<LogAudit> ReadAsync(IEventStore store, EventSerializer serializer)
    {
        var facts = new Dictionary<string, List<IFact>>(StringComparer.Ordinal);
        var awards = new List<(string, PointsAwarded)>();
        long events = 0;
        var head = LogPosition.Start;
        await foreach (var e in store.ReadAllAsync(LogPosition.Start))
        {
            events++;
            head = e.Position;
            switch (serializer.Deserialize(e))
            {
                case IFact fact when FactStreams.HoldsRecordedFacts(e.Stream):
                    // Member streams repeat some facts (an enrolment is also a member event): counted where recorded.
                    if (!facts.TryGetValue(fact.FactId.Value, out var list)) facts[fact.FactId.Value] = list = [];
                    list.Add(fact);
                    break;
                case PointsAwarded award:
                    awards.Add((e.Stream.Value, award));
                    break;
            }
        }
        return new LogAudit(facts, awards, events, head);
    }

    /// Facts recorded more than once.
    public IEnumerable<string> DuplicateFacts() =>
        Facts.Where(f => f.Value.Count > 1).Select(f => $"fact {f.Key} recorded {f.Value.Count} times");

    /// Award lines given twice: one line (member, award id) is awarded once, then only corrected.
    public IEnumerable<string> DuplicateAwards() =>
        Awards.GroupBy(a => (a.Award.Member, a.Award.AwardId))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Member} line {g.Key.AwardId} awarded {g.Count()} times");

    /// Award lines written to another member's stream than their own (a routing mistake).
    public IEnumerable<string> MisplacedAwards() =>
        Awards.Where(a => a.Stream != $"member-{a.Award.Member.Value}").Select(a => $"{a.Award.AwardId} of {a.Award.Member} in {a.Stream}");

    /// The award lines that cite this fact, for this member.
    public IReadOnlyList<PointsAwarded> AwardsFor(string member, string factId) =>
        [.. Awards.Where(a => a.Award.Member.Value == member && a.Award.FactId?.Value == factId).Select(a => a.Award)];
}
