using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Scoring;

/// A year is under way for everyone on the roster once anything is dated in it: a member with no fact
/// of their own still has the year's base score (not a blank standing).
public sealed class a_year_of_the_organisation : IAsyncLifetime
{
    private TempSqlite _sqlite = null!;

    public async Task InitializeAsync() => _sqlite = await TempSqlite.OpenAsync();

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    [Fact]
    public async Task opens_each_year_for_the_whole_roster_at_its_first_fact()
    {
        // Given two members and a rule set with a base score; only m1 has a fact in 2025
        await using var engine = new ScoringEngine(_sqlite.Store, new SqliteCheckpointStore(_sqlite.Store), DomainSerializer.Create(), RuleSetDocument.Parse);
        var rules = new RuleSetPublished(new FactId("rules-1"), new DateOnly(2024, 12, 1), new RuleSetVersion("default-2025.1"),
            new DateOnly(2025, 1, 1), PointsEngine.TestSupport.TypicalRules.Document());
        await engine.RecordAsync(rules, "admin");
        foreach (var (id, member) in new[] { ("e1", "m1"), ("e2", "m2") })
            await engine.RecordAsync(new MemberEnrolled(new FactId(id), new DateOnly(2024, 3, 1), new MemberId(member), member,
                new BranchId("b1"), null, MemberStatus.Full, MemberCategory.Regular), "secretary-1");
        var fact = new VolunteerServiceLogged(new FactId("v1"), new DateOnly(2025, 3, 1), new MemberId("m1"), 2, "社区服务", "居委会");
        var last = (await engine.RecordAsync(fact, "secretary-1")).LastPosition!.Value;
        // Recording another 2025 fact does not record the year's opening again
        var again = (await engine.RecordAsync(fact with { FactId = new FactId("v2") }, "secretary-1")).LastPosition!.Value;
        Assert.Equal(last.Value + 1, again.Value);

        await engine.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await engine.WaitUntilScoredAsync(again, timeout.Token);

        // Then m2, with no fact in 2025, still has the year's base score, as m1 does
        var baseScore = RuleSetDocument.Parse(rules).BaseScore;
        Assert.NotEqual(Points.Zero, baseScore);
        var m2 = await engine.ReadMemberAsync(new MemberId("m2"));
        Assert.Equal(baseScore, m2.TotalIn(2025));
        Assert.Contains(m2.LinesIn(2025), l => l.Rule.Value == "base");
        Assert.Contains(2025, m2.Years);
        // And the opening is a recorded fact of the calendar, recorded once, by the engine
        var calendar = new List<RecordedEvent>();
        await foreach (var e in _sqlite.Store.ReadStreamAsync(FactStreams.Calendar, StreamRevision.Start, 100)) calendar.Add(e);
        var opened = Assert.Single(calendar, e => DomainSerializer.Create().Deserialize(e) is YearOpened { Year: 2025 });
        Assert.Equal(ScoringEngine.SystemRecorder, opened.Metadata.RecordedBy);
    }
}
