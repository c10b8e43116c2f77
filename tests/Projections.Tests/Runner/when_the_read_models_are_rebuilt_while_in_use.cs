using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Standings;
using PointsEngine.Projections.Storage;
using PointsEngine.Projections.Tests.Examples;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Runner;

/// A rebuild fills fresh tables while the current ones keep answering and following the log, then
/// switches at once and drops the old tables, reporting its progress as it goes.
public abstract class when_the_read_models_are_rebuilt_while_in_use
{
    protected abstract Backend Backend { get; }

    private static readonly RankingQuery Branch1 = new(RankingScope.Branch, "b1", new(2025, 1, 1), new(2025, 12, 31));

    [Fact]
    public async Task the_old_generation_answers_and_follows_the_log_until_the_switch()
    {
        await using var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(TwoBranchYear.Facts());
        await scenario.SettleAsync();
        var before = await RowsAsync(scenario);

        var reports = new List<RebuildProgress>();
        using var reached = new SemaphoreSlim(0);
        using var release = new ManualResetEventSlim();
        var progress = new CallbackProgress(p =>
        {
            lock (reports) reports.Add(p);
            if (reports.Count == 1)
            {
                reached.Release();
                release.Wait(TimeSpan.FromSeconds(30)); // the rebuild pauses here, its new tables half-built
            }
        });
        var rebuild = Task.Run(() => scenario.Runner.RebuildAsync(StandingsProjection.ProjectionName, progress));
        Assert.True(await reached.WaitAsync(TimeSpan.FromSeconds(30)));
        using var _ = new Releaser(release); // a failed assertion must not leave the rebuild waiting

        Assert.Equal(before, await RowsAsync(scenario));
        Assert.Equal((1, "1,2"), await GenerationsAsync(scenario));
        // The current generation keeps following the log during the rebuild.
        await scenario.RecordAsync([new ManualAdjustment(new FactId("late-award"), new DateOnly(2025, 11, 1), TwoBranchYear.M2, new Points(50), "表彰", "党委")]);
        await scenario.SettleAsync();
        var during = await RowsAsync(scenario);
        Assert.Equal(("m2", 120m), (during[0].Member, during[0].Points));

        release.Set();
        await rebuild;
        Assert.Equal((2, "2"), await GenerationsAsync(scenario));
        Assert.Equal(during, await RowsAsync(scenario));
        Assert.Equal(reports.Select(r => r.Position.Value).Order(), reports.Select(r => r.Position.Value));
        Assert.Equal(reports[^1].Head, reports[^1].Position);
        Assert.All(reports, r => Assert.True(r.EventsPerSecond > 0 && r.Events > 0));
        Assert.Equal(1.0, reports[^1].Fraction);
    }

    private static async Task<List<(string Member, decimal Points)>> RowsAsync(Scenario scenario) =>
        [.. (await scenario.ReadModels.RankingAsync(Branch1)).Rows.Select(r => (r.Member.Value, r.Points))];

    /// The active generation, and every generation with tables in the database.
    private static async Task<(int Active, string Existing)> GenerationsAsync(Scenario scenario)
    {
        await using var c = await scenario.Runner.Database.OpenAsync();
        await using var sql = new Sql(c);
        var rows = await sql.QueryAsync("SELECT generation, active FROM projection_generations WHERE projection = @p ORDER BY generation",
            r => (Generation: (int)Sql.Long(r, 0), Active: Sql.Long(r, 1) == 1), default, ("@p", StandingsProjection.ProjectionName));
        var tables = await sql.QueryAsync(scenario.Runner.Database.ListTables, r => r.GetString(0), default, ("@prefix", "rm_standings_"));
        var existing = rows.Select(r => r.Generation).Where(g => tables.Any(t => t.StartsWith($"rm_standings_{g}_", StringComparison.Ordinal))).ToArray();
        return (rows.Single(r => r.Active).Generation, string.Join(",", existing));
    }

    private sealed class Releaser(ManualResetEventSlim release) : IDisposable
    {
        public void Dispose() => release.Set();
    }

}

public sealed class when_the_read_models_are_rebuilt_while_in_use_on_sqlite : when_the_read_models_are_rebuilt_while_in_use
{
    protected override Backend Backend { get; } = new SqliteBackend();
}

[Collection(PostgresFixture.Collection)]
public sealed class when_the_read_models_are_rebuilt_while_in_use_on_postgres(PostgresFixture postgres) : when_the_read_models_are_rebuilt_while_in_use
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
}
