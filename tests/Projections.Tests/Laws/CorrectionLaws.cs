using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Organisation;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.Store;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Laws;

/// #19, on both backends: any history of record / amend / revoke / re-import of the same facts, interleaved in any
/// order, gives the points of recording only the final versions (every member's standing by category, the branch's
/// ranking), and its read models equal a rebuild from the log. A correction is written as Amendments writes it: the
/// revocation of the current version and the next version (id~n) in one append to the fact's stream; a revocation
/// alone goes to the revocations stream; a re-import of a live version is the same append again (idempotent), of a
/// revoked one the key's next version.
public abstract class CorrectionLaws
{
    protected abstract Backend Backend { get; }
    protected abstract int Cases { get; }

    private static readonly BranchId Branch = new("b1");
    private static readonly MemberId[] Members = [.. Enumerable.Range(1, 5).Select(i => new MemberId($"b1m{i}"))];
    private static readonly DateOnly CorrectedOn = new(2025, 12, 31);

    [Fact]
    public void law_any_history_of_corrections_scores_as_the_final_versions_alone_and_equals_a_rebuild() =>
        PropertyRuns.Check(Prop.ForAll(Gen.Choose(1, 1_000_000).ToArbitrary(), seed => LawAsync(seed).GetAwaiter().GetResult()), Cases);

    private async Task LawAsync(int seed)
    {
        var random = new Random(seed);
        var queues = new List<Queue<Func<Scenario, Task>>>();
        var finals = new List<IFact>();
        var versions = new List<IFact>();
        for (var k = 0; k < random.Next(3, 9); k++)
        {
            var kind = random.Next(3);
            var version = 1;
            IFact Make()
            {
                var made = Version(random, kind, new FactId(version == 1 ? $"x{k}" : $"x{k}~{version}"));
                versions.Add(made);
                return made;
            }
            var current = Make();
            var live = true;
            var steps = new Queue<Func<Scenario, Task>>();
            var first = current;
            steps.Enqueue(s => s.RecordAsync([first]));
            for (var op = random.Next(0, 5); op > 0; op--)
            {
                var was = current;
                switch (random.Next(3))
                {
                    case 0 when live: // amend: the revocation and the next version in one append
                        version++;
                        var next = Make();
                        var revocation = new FactRevoked(new FactId($"{next.FactId}~revokes"), CorrectedOn, was.FactId, "更正", MembersOf(was));
                        steps.Enqueue(s => AppendAsync(s, FactStreams.For(next), [revocation, next]));
                        current = next;
                        break;
                    case 1 when live: // revoke
                        var revoked = new FactRevoked(new FactId($"{was.FactId}~revoked"), CorrectedOn, was.FactId, "撤销", MembersOf(was));
                        steps.Enqueue(s => s.RecordAsync([revoked]));
                        live = false;
                        break;
                    default:
                        if (live)
                            steps.Enqueue(s => s.RecordAsync([was])); // re-imported as it is: nothing new
                        else
                        {
                            version++; // a revoked record imported again: the key's next version
                            var again = Make();
                            steps.Enqueue(s => s.RecordAsync([again]));
                            current = again;
                            live = true;
                        }
                        break;
                }
            }
            if (live) finals.Add(current);
            queues.Add(steps);
        }

        await using var corrected = await Scenario.StartAsync(Backend);
        await corrected.RecordAsync(Organisation());
        // Any interleaving of the facts' histories, each history in its own order.
        while (queues.Any(q => q.Count > 0))
        {
            var pending = queues.Where(q => q.Count > 0).ToList();
            await pending[random.Next(pending.Count)].Dequeue()(corrected);
        }
        await corrected.SettleAsync();

        await using var plain = await Scenario.StartAsync(Backend);
        await plain.RecordAsync(Organisation());
        // The year is open in both: in the corrected log its facts opened it (each member's base score), and it
        // stays open when every one of them is revoked later, so "the final versions alone" must open it too,
        // even when no version survives (random case 15792740735258619948,11400714819323198485,44 in CI).
        await plain.Engine.OpenYearOfAsync(versions[0]);
        await plain.RecordAsync(finals);
        await plain.SettleAsync();

        Assert.Null(corrected.Runner.LastError);
        foreach (var member in Members)
        {
            var expected = await plain.ReadModels.StandingAsync(member, 2025);
            var actual = await corrected.ReadModels.StandingAsync(member, 2025);
            Assert.Equal(expected?.Total, actual?.Total);
            Assert.Equal(expected?.ByCategory.Select(c => (c.Category, c.Points)), actual?.ByCategory.Select(c => (c.Category, c.Points)));
        }
        var ranking = RankingQuery.For(RankingScope.Branch, Branch.Value, Period.YearOf(2025)) with { PageSize = 100 };
        Assert.Equal((await plain.ReadModels.RankingAsync(ranking)).Rows, (await corrected.ReadModels.RankingAsync(ranking)).Rows);

        // The record list's member filter (#19): a member's own facts and every version of a meeting that listed them.
        foreach (var member in Members)
        {
            var listed = await corrected.ReadModels.RecordedFactsAsync(["V1.MeetingHeld", "V1.ManualAdjustment", "V1.VolunteerServiceLogged"],
                new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31), 1000, members: [member]);
            var expected = versions.Where(v => v is MeetingHeld m ? m.Attendance.Any(a => a.Member == member)
                : v is ManualAdjustment a ? a.Member == member : ((VolunteerServiceLogged)v).Member == member);
            Assert.Equal(expected.Select(v => v.FactId.Value).Order(), listed.Select(l => l.FactId.Value).Order());
        }

        var incremental = new Dictionary<string, Dictionary<string, List<string>>>();
        foreach (var projection in ReadModels.Projections(corrected.Serializer))
            incremental[projection.Name] = await ReadModelDump.TakeAsync(corrected.Runner.Database, projection);
        foreach (var name in corrected.Runner.Projections) await corrected.Runner.RebuildAsync(name, new CallbackProgress(_ => { }));
        foreach (var projection in ReadModels.Projections(corrected.Serializer))
            ReadModelDump.AssertEqual(incremental[projection.Name], await ReadModelDump.TakeAsync(corrected.Runner.Database, projection));
    }

    private static IReadOnlyList<IFact> Organisation()
    {
        var rules = RuleSetDocument.Parse(PointsEngine.TestSupport.TypicalRules.Document());
        return
        [
            new RuleSetPublished(new FactId("rules"), new DateOnly(2024, 12, 20), rules.Version, rules.EffectiveFrom, PointsEngine.TestSupport.TypicalRules.Document()),
            new BranchRegistered(new FactId("branch"), new DateOnly(2024, 12, 1), Branch, "一支部", null),
            .. Members.Select(m => new MemberEnrolled(new FactId($"enrol-{m.Value}"), new DateOnly(2024, 12, 1), m, $"党员{m.Value}", Branch, null,
                MemberStatus.Full, MemberCategory.Regular)),
        ];
    }

    /// A version of a fact of one kind: a meeting, an adjustment or volunteer hours, with random content.
    private static IFact Version(Random random, int kind, FactId id)
    {
        var day = new DateOnly(2025, 1, 1).AddDays(random.Next(365));
        var member = Members[random.Next(Members.Length)];
        return kind switch
        {
            0 => new MeetingHeld(id, day, Branch, null, Enum.GetValues<MeetingKind>()[random.Next(Enum.GetValues<MeetingKind>().Length)], MeetingMode.InPerson, "学习",
                [.. Members.Where(_ => random.Next(4) > 0).DefaultIfEmpty(Members[0])
                    .Select(m => new AttendanceEntry(m, Enum.GetValues<AttendanceStatus>()[random.Next(Enum.GetValues<AttendanceStatus>().Length)]))]),
            1 => new ManualAdjustment(id, day, member, new Points((random.Next(2) == 0 ? -1 : 1) * random.Next(1, 6)), "调整", "支委会"),
            _ => new VolunteerServiceLogged(id, day, member, random.Next(1, 17) / 2m, "服务", "组织者"),
        };
    }

    private static IReadOnlyList<MemberId> MembersOf(IFact fact) => fact switch
    {
        MeetingHeld m => [.. m.Attendance.Select(a => a.Member).Distinct()],
        ManualAdjustment a => [a.Member],
        VolunteerServiceLogged v => [v.Member],
        _ => [],
    };

    private static async Task AppendAsync(Scenario s, StreamName stream, IReadOnlyList<IFact> facts)
    {
        foreach (var fact in facts) await s.Engine.OpenYearOfAsync(fact);
        await s.Store.AppendToStreamAsync(stream, ExpectedRevision.Any, [.. facts.Select(f => s.Engine.EventDataOf(f, "书记"))]);
    }
}

public sealed class CorrectionLawsOnSqlite : CorrectionLaws
{
    protected override Backend Backend { get; } = new SqliteBackend();
    protected override int Cases => 6;
}

[Collection(PostgresFixture.Collection)]
public sealed class CorrectionLawsOnPostgres(PostgresFixture postgres) : CorrectionLaws
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
    protected override int Cases => 3;
}
