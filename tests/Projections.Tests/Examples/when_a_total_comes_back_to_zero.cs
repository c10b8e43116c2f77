using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Standings;
using PointsEngine.Projections.Storage;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Examples;

/// 李四 (m2), who has nothing else in November, is awarded 7 points on 2025-11-20 and the award is revoked on
/// 11-25: his November totals come back to 0. A total of 0 is no row, kept live and rebuilt alike (the rebuild
/// derives the totals in bulk from the lines, which cannot know that a November line once existed), and the
/// November ranking still lists him at 0.
public abstract class when_a_total_comes_back_to_zero
{
    protected abstract Backend Backend { get; }

    private static readonly Period November = Period.MonthOf(2025, 11);

    [Fact]
    public async Task its_row_is_deleted_and_the_member_still_ranks_at_zero()
    {
        await using var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(TwoBranchYear.Facts());
        await scenario.RecordAsync([new ManualAdjustment(new FactId("adjust-2"), new DateOnly(2025, 11, 20), TwoBranchYear.M2, new Points(7), "表彰", "党委")]);
        await scenario.SettleAsync();
        Assert.Equal(["b:b1=700", "g:g1=700", "o=700"], await NovemberTotalsAsync(scenario));
        await scenario.RecordAsync([new FactRevoked(new FactId("adjust-2-revoked"), new DateOnly(2025, 11, 25), new FactId("adjust-2"), "登记错误", [TwoBranchYear.M2])]);
        await scenario.SettleAsync();

        Assert.Empty(await NovemberTotalsAsync(scenario));
        var ranking = await scenario.ReadModels.RankingAsync(RankingQuery.For(RankingScope.Branch, TwoBranchYear.B1.Value, November));
        Assert.Contains(ranking.Rows, r => r.Member == TwoBranchYear.M2 && r.Points == 0m);

        var live = await ReadModelDump.TakeAsync(scenario.Runner.Database, new StandingsProjection(scenario.Serializer));
        await scenario.Runner.RebuildAllAsync();
        Assert.Empty(await NovemberTotalsAsync(scenario));
        ReadModelDump.AssertEqual(live, await ReadModelDump.TakeAsync(scenario.Runner.Database, new StandingsProjection(scenario.Serializer)));
    }

    /// m2's totals of November, in every scope.
    private static async Task<List<string>> NovemberTotalsAsync(Scenario scenario)
    {
        await using var c = await scenario.Runner.Database.OpenAsync();
        await using var sql = new Sql(c);
        var generation = await sql.ScalarAsync("SELECT generation FROM projection_generations WHERE projection = @p AND active = 1", default,
            ("@p", StandingsProjection.ProjectionName));
        return await sql.QueryAsync($"SELECT scope, cents FROM rm_standings_{generation}_member_points WHERE member = @m AND slot = @s ORDER BY scope",
            r => $"{r.GetString(0)}={Sql.Long(r, 1)}", default, ("@m", TwoBranchYear.M2.Value), ("@s", November.Key));
    }
}

public sealed class when_a_total_comes_back_to_zero_on_sqlite : when_a_total_comes_back_to_zero
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_a_total_comes_back_to_zero_on_postgres(PostgresFixture postgres) : when_a_total_comes_back_to_zero
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
