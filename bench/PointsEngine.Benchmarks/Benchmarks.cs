using BenchmarkDotNet.Attributes;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Rules;
using PointsEngine.Store;

namespace PointsEngine.Benchmarks;

/// Decide + Evolve for one member fact: what a member actor does per message. The domain re-scores the
/// member's year (caps, bonuses) at every fact, so the cost grows with the facts already in the year.
[MemoryDiagnoser]
public class DecideAndEvolve
{
    private DomainHotPaths _paths = null!;

    [ParamsSource(nameof(Histories))]
    public int FactsBefore { get; set; }

    public static IEnumerable<int> Histories => DomainHotPaths.Histories;

    [GlobalSetup]
    public void Setup() => _paths = new DomainHotPaths(FactsBefore);

    [Benchmark]
    public MemberState AttendanceFact() => _paths.DecideAndEvolve();
}

/// The rule set in force on a fact's date, in a book of ten yearly sets; and a meeting routed to its
/// 40 members' commands.
[MemoryDiagnoser]
public class RuleLookup
{
    private readonly DomainHotPaths _paths = new(0);
    private static readonly DateOnly Date = new(2025, 6, 30);

    [Benchmark]
    public RuleSet? InForceOn() => _paths.LookUpRuleSet(Date);

    [Benchmark]
    public IReadOnlyList<MemberCommand> RouteFortyMemberMeeting() => _paths.RouteMeeting();
}

/// The stored JSON of the events the engine writes most: award lines and meetings with 40 attendees.
[MemoryDiagnoser]
public class Serializer
{
    private readonly DomainHotPaths _paths = new(0);

    [Benchmark]
    public EventData SerializeAward() => _paths.SerializeAward();

    [Benchmark]
    public object DeserializeAward() => _paths.DeserializeAward();

    [Benchmark]
    public EventData SerializeMeeting() => _paths.SerializeMeeting();

    [Benchmark]
    public object DeserializeMeeting() => _paths.DeserializeMeeting();
}

/// The two events written per scored activity (a member's copy of an attendance, its award line), through
/// the domain serializer's hand-written codecs and through Newtonsoft's general serializer alone, side by
/// side (issue #7). Not part of the suite's table; run with --filter '*HotEvents*'.
[MemoryDiagnoser]
public class HotEvents
{
    private readonly DomainHotPaths _paths = new(0);

    [Params(true, false)]
    public bool Codecs { get; set; }

    private EventSerializer Serializer => Codecs ? _paths.Serializer : _paths.General;

    [Benchmark]
    public string WriteAttendance() => Serializer.Serialize(_paths.Next.Fact);

    [Benchmark]
    public object ReadAttendance() => Serializer.Deserialize(_paths.AttendanceData.Type, _paths.AttendanceData.Data);

    [Benchmark]
    public string WriteAward() => Serializer.Serialize(_paths.Award);

    [Benchmark]
    public object ReadAward() => Serializer.Deserialize(_paths.AwardData.Type, _paths.AwardData.Data);
}
