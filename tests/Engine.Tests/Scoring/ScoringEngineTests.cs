using Newtonsoft.Json.Linq;
using PointsEngine.Domain.Calendar;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Rules;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Persistence;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Engine.Tests.Scoring;

/// The engine end to end on a real SQLite file: facts recorded into the log, routed by the dispatcher,
/// decided by member actors, awards persisted to member streams.
public sealed class the_scoring_engine : IAsyncLifetime
{
    private TempSqlite _sqlite = null!;

    public async Task InitializeAsync() => _sqlite = await TempSqlite.OpenAsync();

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    private ScoringEngine NewEngine() =>
        new(_sqlite.Store, new SqliteCheckpointStore(_sqlite.Store), DomainSerializer.Create(), RuleSetDocument.Parse);

    private static async Task<LogPosition> RecordAll(ScoringEngine engine, IEnumerable<IFact> facts)
    {
        var last = LogPosition.Start;
        foreach (var fact in facts)
            last = (await engine.RecordAsync(fact, "secretary-1")).LastPosition ?? last;
        return last;
    }

    private static async Task ScoreUpTo(ScoringEngine engine, LogPosition position)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await engine.StartAsync(timeout.Token);
        await engine.WaitUntilScoredAsync(position, timeout.Token);
    }

    private static Dictionary<MemberId, MemberState> ScoredPurely(IEnumerable<IFact> facts) => PureScoring.Score(facts);

    [Fact]
    public async Task a_300_member_organisations_year_scores_into_member_streams_as_the_pure_domain_decides()
    {
        var facts = OrganisationYear.Generate(branches: 10, membersPerBranch: 30);
        await using var engine = NewEngine();

        var last = await RecordAll(engine, facts);
        await ScoreUpTo(engine, last);

        var expected = ScoredPurely(facts);
        Assert.Equal(300, expected.Count);
        Assert.Equal(0, engine.Rejected);
        // Each member fact delivered once: the dispatcher does not route the members' own streams back. The
        // organisation's first 2025 fact opened 2025 before the members (enrolled December 2024) were
        // recorded, so each enrolment also opens 2025 for its member: one delivery more per member.
        Assert.Equal(facts.Sum(f => FactRouting.Route(f).Count) + expected.Count, engine.Delivered);
        foreach (var (member, state) in expected)
        {
            var stored = await engine.ReadMemberAsync(member);
            Assert.Equal(state.TotalIn(2025), stored.TotalIn(2025));
            Assert.Equal(
                state.LinesIn(2025).Select(l => (l.AwardId, l.Granted)),
                stored.LinesIn(2025).Select(l => (l.AwardId, l.Granted)));
        }
        Assert.True(expected.Values.Select(s => s.TotalIn(2025).Value).Distinct().Count() > 20, "totals should vary between members");
    }

    [Fact]
    public async Task replaying_the_whole_log_in_a_new_engine_writes_nothing()
    {
        var facts = OrganisationYear.Generate(branches: 2, membersPerBranch: 15, seed: 7);
        LogPosition head;
        await using (var first = NewEngine())
        {
            await ScoreUpTo(first, await RecordAll(first, facts));
            head = await _sqlite.Store.ReadHeadPositionAsync();
        }
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_sqlite.Path}"))
        {
            await c.OpenAsync();
            await using var forget = c.CreateCommand();
            forget.CommandText = "DELETE FROM checkpoints";
            Assert.Equal(1, await forget.ExecuteNonQueryAsync());
        }

        await using var second = NewEngine();
        await ScoreUpTo(second, head);

        Assert.Equal(head, await _sqlite.Store.ReadHeadPositionAsync());
        Assert.True(second.Delivered > 500, $"the replay delivered {second.Delivered} member facts");
    }

    [Fact]
    public async Task recording_the_same_fact_twice_scores_it_once()
    {
        var facts = OrganisationYear.Generate(branches: 1, membersPerBranch: 10, seed: 3);
        await using var engine = NewEngine();
        var first = await RecordAll(engine, facts);

        var again = await RecordAll(engine, facts.OfType<MeetingHeld>().Take(3));
        Assert.Equal(first, await _sqlite.Store.ReadHeadPositionAsync()); // nothing new in the log
        Assert.True(again < first, "a re-recorded fact answers with its original position");
        await ScoreUpTo(engine, first);

        var member = facts.OfType<MemberEnrolled>().First().Member;
        Assert.Equal(ScoredPurely(facts)[member].TotalIn(2025), (await engine.ReadMemberAsync(member)).TotalIn(2025));
    }

    [Fact]
    public async Task starting_twice_runs_one_dispatcher()
    {
        // Regression: a second StartAsync ran a second loop on the same dispatcher, whose router reset
        // under the first; the back-dated rule-set test below then failed now and then under load.
        var facts = OrganisationYear.Generate(branches: 1, membersPerBranch: 10, seed: 5);
        await using var engine = NewEngine();
        var last = await RecordAll(engine, facts);
        await engine.StartAsync();
        await ScoreUpTo(engine, last);
        Assert.Equal(facts.Sum(f => FactRouting.Route(f).Count) + facts.OfType<MemberEnrolled>().Count(), engine.Delivered);
    }

    [Fact]
    public async Task a_back_dated_rule_set_corrects_exactly_the_members_it_affects()
    {
        var facts = OrganisationYear.Generate(branches: 2, membersPerBranch: 20, seed: 11);
        await using var engine = NewEngine();
        await ScoreUpTo(engine, await RecordAll(engine, facts));
        var before = new Dictionary<MemberId, MemberState>();
        foreach (var m in facts.OfType<MemberEnrolled>()) before[m.Member] = await engine.ReadMemberAsync(m.Member);

        // From July, an unexcused absence costs 5 instead of 3.
        var document = JObject.Parse(PointsEngine.TestSupport.TypicalRules.Document());
        document["version"] = "2025.2";
        document["effectiveFrom"] = "2025-07-01";
        ((JArray)document["rules"]!).Single(r => (string?)r["id"] == "absent")["points"] = -5;
        var stricter = new RuleSetPublished(new FactId("rules-2025.2"), new DateOnly(2025, 9, 1), new RuleSetVersion("2025.2"),
            new DateOnly(2025, 7, 1), document.ToString());
        await ScoreUpTo(engine, (await engine.RecordAsync(stricter, "admin")).LastPosition!.Value);

        var expected = ScoredPurely([.. facts, stricter]);
        var corrected = 0;
        foreach (var (member, was) in before)
        {
            var now = await engine.ReadMemberAsync(member);
            Assert.Equal(expected[member].TotalIn(2025), now.TotalIn(2025));
            var absentSinceJuly = was.FactsIn(2025).OfType<AttendanceRecorded>()
                .Any(a => a.Status == AttendanceStatus.Absent && a.OccurredOn >= new DateOnly(2025, 7, 1) && was.IsActive(a));
            var changed = now.TotalIn(2025) != was.TotalIn(2025) || now.LinesIn(2025).Any(l => l.Version.Value == "2025.2");
            if (changed) corrected++;
            // Members with no absence since July keep every line as it was.
            if (!absentSinceJuly)
                Assert.Equal(was.LinesIn(2025).Select(l => (l.AwardId, l.Granted)), now.LinesIn(2025).Select(l => (l.AwardId, l.Granted)));
        }
        Assert.True(corrected > 0, "some members had absences after July");
    }
}

public sealed class a_member_actor_recovering_from_a_snapshot : IAsyncLifetime
{
    private TempSqlite _sqlite = null!;

    public async Task InitializeAsync() => _sqlite = await TempSqlite.OpenAsync();

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    private ScoringEngine NewEngine(IEventStore? store = null) => new(store ?? _sqlite.Store, new SqliteCheckpointStore(_sqlite.Store),
        DomainSerializer.Create(), RuleSetDocument.Parse, new ScoringEngineOptions { Actors = new ActorOptions { SnapshotEvery = 10, AskTimeout = TimeSpan.FromSeconds(5) } });

    [Fact]
    public async Task decides_as_one_that_replayed_its_whole_stream()
    {
        var facts = OrganisationYear.Generate(branches: 1, membersPerBranch: 5, seed: 5);
        var member = facts.OfType<MemberEnrolled>().First().Member;
        await using (var engine = NewEngine())
        {
            var head = LogPosition.Start;
            foreach (var f in facts) head = (await engine.RecordAsync(f, "secretary-1")).LastPosition ?? head;
            await engine.StartAsync();
            await engine.WaitUntilScoredAsync(head);
            // Snapshots are saved after the reply: wait for the member's before the engine stops.
            var snapshots = EventStoreSnapshotStore.SnapshotStream(FactStreams.Member(member).Value);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (await _sqlite.Store.ReadStreamRevisionAsync(snapshots) is null && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.NotNull(await _sqlite.Store.ReadStreamRevisionAsync(snapshots));
        }

        // A fresh engine recovers the member from that snapshot (plus the events after it) and scores
        // one more meeting: its decision must be the one a full replay would have made.
        var extra = new MeetingHeld(new FactId("late-meeting"), new DateOnly(2025, 12, 30), facts.OfType<MeetingHeld>().First().Branch, null,
            MeetingKind.PartyLecture, MeetingMode.InPerson, "补课", [new AttendanceEntry(member, AttendanceStatus.Absent)]);
        var memberStreamLength = (await _sqlite.Store.ReadStreamRevisionAsync(FactStreams.Member(member)))!.Value.Value + 1;
        var counting = new FaultyEventStore(_sqlite.Store);
        await using (var engine = NewEngine(counting))
        {
            var at = (await engine.RecordAsync(extra, "secretary-1")).LastPosition!.Value;
            await engine.StartAsync();
            await engine.WaitUntilScoredAsync(at);
            // Recovery read the snapshot and the few events after it, not the member's whole stream.
            Assert.True(counting.StreamEventsRead < memberStreamLength / 2,
                $"read {counting.StreamEventsRead} stream events; the member's stream has {memberStreamLength}");

            var stored = await engine.ReadMemberAsync(member);
            var expected = PureScoring.Score([.. facts, extra])[member];
            Assert.Contains(stored.FactsIn(2025), f => f.FactId == extra.FactId);
            Assert.Equal(expected.LinesIn(2025).Select(l => (l.AwardId, l.Granted)), stored.LinesIn(2025).Select(l => (l.AwardId, l.Granted)));
        }
    }
}

/// The same facts folded by the pure domain alone, in the same order: what the engine must produce.
internal static class PureScoring
{
    public static Dictionary<MemberId, MemberState> Score(IEnumerable<IFact> facts)
    {
        var book = RuleBook.Empty;
        var calendar = OrganisationCalendar.AllOpen;
        var states = new Dictionary<MemberId, MemberState>();
        foreach (var fact in facts)
        {
            IEnumerable<MemberCommand> commands = FactRouting.Route(fact);
            switch (fact)
            {
                case RuleSetPublished p:
                    book = book.With(RuleSetDocument.Parse(p));
                    commands = states.Keys.Select(m => new ApplyRuleBook(m, p.Version, p.EffectiveFrom)).ToList();
                    break;
                case YearClosed or YearReopened:
                    calendar = OrganisationCalendar.Evolve(calendar, fact);
                    break;
            }
            foreach (var command in commands)
            {
                var state = states.GetValueOrDefault(command.Member) ?? MemberScoring.Initial(command.Member);
                if (MemberScoring.Decide(state, command, book, calendar) is Accepted a)
                    states[command.Member] = a.Events.Aggregate(state, MemberScoring.Evolve);
            }
        }
        return states;
    }
}
