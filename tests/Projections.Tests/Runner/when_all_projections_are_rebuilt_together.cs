using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Projections.Tests.Support;
using PointsEngine.Store;
using PointsEngine.TestSupport;

namespace PointsEngine.Projections.Tests.Runner;

/// The rebuild's fast paths against the plain ones, over random organisation years:
/// - one pass for every projection (shared read, one transaction per batch for all, indexes created after
///   the fill) gives the rows the incremental runner and the one-by-one rebuilds give;
/// - a fill that writes only the award history and derives the award lines and running totals in bulk at its
///   end, stopped anywhere in the log with the rest applied the ordinary way on top, gives the incremental rows;
/// - a rebuild that dies at any step leaves the published read models as they were, still following the log;
/// - skipping the events a projection does not handle (never deserialized, never applied) gives the rows
///   applying every event to it gives.
public abstract class when_all_projections_are_rebuilt_together
{
    protected abstract Backend Backend { get; }
    protected abstract int Cases { get; }

    private void Check(Func<int, int, Task> law, [CallerMemberName] string test = "")
    {
        var seeds = Gen.Choose(1, 1_000_000).Zip(Gen.Choose(1, 60)).ToArbitrary();
        PropertyRuns.Check(Prop.ForAll(seeds, s => law(s.Item1, s.Item2).GetAwaiter().GetResult()), Cases, test: test);
    }

    [Fact]
    public void one_pass_for_all_equals_the_incremental_models_and_one_by_one_rebuilds() => Check(async (seed, batch) =>
    {
        var year = OrganisationCase.Generate(seed);
        var options = new ProjectionRunnerOptions { BatchSize = batch, RebuildBatchSize = batch };
        await using var scenario = await Scenario.StartAsync(Backend, options);
        await scenario.RecordAsync(year.Facts);
        await scenario.SettleAsync();
        Assert.Null(scenario.Runner.LastError);
        var incremental = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        var indexes = await IndexesAsync(scenario, generation: 1);

        var reports = new List<RebuildProgress>();
        await scenario.Runner.RebuildAllAsync(new CallbackProgress(reports.Add));
        var together = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        // The indexes held back during the fill exist after it.
        Assert.NotEmpty(indexes);
        Assert.Equal(indexes, await IndexesAsync(scenario, generation: 2));
        foreach (var name in scenario.Runner.Projections) await scenario.Runner.RebuildAsync(name);
        var oneByOne = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));

        foreach (var name in incremental.Keys)
        {
            ReadModelDump.AssertEqual(incremental[name], together[name]);
            ReadModelDump.AssertEqual(oneByOne[name], together[name]);
            var last = reports.Last(r => r.Projection == name);
            Assert.Equal(last.Head, last.Position);
        }
        // The runner follows the log on from the switch.
        var member = year.Facts.OfType<Domain.Organisation.MemberEnrolled>().First().Member;
        await scenario.RecordAsync([new Domain.Facts.ManualAdjustment(new Domain.Values.FactId("after-rebuild"), new DateOnly(2025, 12, 1), member,
            new Domain.Values.Points(5), "表彰", "党委")]);
        await scenario.SettleAsync();
        Assert.Null(scenario.Runner.LastError);
        Assert.Contains((await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer)))["activity"]["facts"],
            row => row.StartsWith("after-rebuild|", StringComparison.Ordinal));
    });

    [Fact]
    public void a_fill_derived_in_bulk_and_continued_event_by_event_equals_the_incremental_models() => Check(async (seed, batch) =>
    {
        var year = OrganisationCase.Generate(seed);
        await using var scenario = await Scenario.StartAsync(Backend, new ProjectionRunnerOptions { BatchSize = batch });
        await scenario.RecordAsync(year.Facts);
        await scenario.SettleAsync();
        Assert.Null(scenario.Runner.LastError);
        var incremental = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        var head = await scenario.Store.ReadHeadPositionAsync();

        // The fill stops at a random place (at the start, inside, at the end); what follows is applied the
        // ordinary way on top of the lines and totals the fill derived.
        var stop = new LogPosition(new Random(seed).NextInt64(0, head.Value + 1));
        var options = new ProjectionRunnerOptions { BatchSize = batch, RebuildBatchSize = batch, FillUpTo = stop };
        await using (var runner = new ProjectionRunner(scenario.Store, scenario.Serializer, ReadModels.Projections(scenario.Serializer), options))
        {
            await runner.InitializeAsync();
            var statements = Sql.StatementsRun;
            await runner.RebuildAllAsync();
            Assert.True(Sql.StatementsRun > statements);
        }
        var rebuilt = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        foreach (var name in incremental.Keys) ReadModelDump.AssertEqual(incremental[name], rebuilt[name]);
        // A total back at 0 is no row, on either path.
        Assert.DoesNotContain(rebuilt["standings"]["member_points"], row => row.EndsWith("|0", StringComparison.Ordinal));
    });

    [Fact]
    public void a_rebuild_that_dies_at_any_step_leaves_the_published_models_in_place() => Check(async (seed, batch) =>
    {
        var year = OrganisationCase.Generate(seed);
        var steps = 0;
        var dieAt = 0; // never, until set: once the log is settled only rebuilds take steps
        var options = new ProjectionRunnerOptions
        {
            BatchSize = batch,
            RebuildBatchSize = batch,
            AtStep = (_, _) => Interlocked.Increment(ref steps) == Volatile.Read(ref dieAt) ? throw new RebuildKilled() : Task.CompletedTask,
        };
        await using var scenario = await Scenario.StartAsync(Backend, options);
        await scenario.RecordAsync(year.Facts);
        await scenario.SettleAsync();

        // A whole rebuild counts its steps (the same log gives the same batches again); the next one dies at one of them.
        Volatile.Write(ref steps, 0);
        await scenario.Runner.RebuildAllAsync();
        var counted = Volatile.Read(ref steps);
        var published = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        var generations = await GenerationsAsync(scenario);
        Volatile.Write(ref steps, 0);
        Volatile.Write(ref dieAt, new Random(seed).Next(1, counted + 1));
        await Assert.ThrowsAsync<RebuildKilled>(() => scenario.Runner.RebuildAllAsync());
        Volatile.Write(ref dieAt, 0);

        Assert.Equal(generations.Active, (await GenerationsAsync(scenario)).Active);
        var after = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        foreach (var name in published.Keys) ReadModelDump.AssertEqual(published[name], after[name]);
        // The published generation still follows the log.
        var member = year.Facts.OfType<Domain.Organisation.MemberEnrolled>().First().Member;
        await scenario.RecordAsync([new Domain.Facts.ManualAdjustment(new Domain.Values.FactId("after-failed-rebuild"), new DateOnly(2025, 12, 1), member,
            new Domain.Values.Points(5), "表彰", "党委")]);
        await scenario.SettleAsync();
        Assert.Null(scenario.Runner.LastError);
        var followed = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        Assert.Contains(followed["activity"]["facts"], row => row.StartsWith("after-failed-rebuild|", StringComparison.Ordinal));
        // The next start drops what the dead rebuild left; a rebuild then equals the models that kept following.
        await scenario.RestartRunnerAsync(options);
        var restarted = await GenerationsAsync(scenario);
        Assert.Equal(restarted.Active, restarted.All);
        await scenario.Runner.RebuildAllAsync();
        var rebuilt = await DumpAsync(scenario.Runner.Database, ReadModels.Projections(scenario.Serializer));
        foreach (var name in followed.Keys) ReadModelDump.AssertEqual(followed[name], rebuilt[name]);
    });

    private sealed class RebuildKilled : Exception;

    /// The active generation of each projection, and every generation with a bookkeeping row or tables.
    private async Task<(List<string> Active, List<string> All)> GenerationsAsync(Scenario scenario)
    {
        await using var c = await scenario.Runner.Database.OpenAsync();
        await using var sql = new Sql(c);
        var rows = await sql.QueryAsync("SELECT projection, generation, active FROM projection_generations ORDER BY projection, generation",
            r => (Name: $"{r.GetString(0)}/{Sql.Long(r, 1)}", Active: Sql.Long(r, 2) == 1), default);
        var tables = await sql.QueryAsync(scenario.Runner.Database.ListTables, r => r.GetString(0), default, ("@prefix", "rm_"));
        var withTables = tables.Select(t => t.Split('_')).Select(p => $"{p[1]}/{p[2]}").Distinct();
        return ([.. rows.Where(r => r.Active).Select(r => r.Name)], [.. rows.Select(r => r.Name).Union(withTables).Order(StringComparer.Ordinal)]);
    }

    [Fact]
    public void skipping_the_events_a_projection_does_not_handle_changes_no_row() => Check(async (seed, batch) =>
    {
        var year = OrganisationCase.Generate(seed);
        var options = new ProjectionRunnerOptions { BatchSize = batch, RebuildBatchSize = batch };
        await using var scenario = await Scenario.StartAsync(Backend, options);
        await scenario.RecordAsync(year.Facts);
        await scenario.SettleAsync();

        // The same projections under other names, handed every event: the full apply.
        var real = ReadModels.Projections(scenario.Serializer);
        var full = real.Select(p => (IProjection)new EveryEvent(p)).ToList();
        await using (var runner = new ProjectionRunner(scenario.Store, scenario.Serializer, full, options))
        {
            await runner.InitializeAsync();
            await runner.StartAsync();
            await runner.WaitForAsync(await scenario.Store.ReadHeadPositionAsync());
            Assert.Null(runner.LastError);
            var followed = await DumpAsync(runner.Database, full);
            await runner.RebuildAllAsync();
            var rebuilt = await DumpAsync(runner.Database, full);
            var filtered = await DumpAsync(scenario.Runner.Database, real);
            foreach (var p in real)
            {
                ReadModelDump.AssertEqual(followed[EveryEvent.NameOf(p)], filtered[p.Name]);
                ReadModelDump.AssertEqual(rebuilt[EveryEvent.NameOf(p)], filtered[p.Name]);
            }
        }
        // And some projection does skip some events, or this proves nothing.
        var log = new List<RecordedEvent>();
        await foreach (var e in scenario.Store.ReadAllAsync(LogPosition.Start)) log.Add(e);
        Assert.Contains(log, e => real.Any(p => !p.Handles(e)));
    });

    /// A projection that handles every event, applying it as the wrapped one does, to tables of its own name.
    private sealed class EveryEvent(IProjection inner) : IProjection
    {
        public static string NameOf(IProjection p) => "every" + p.Name;
        public string Name { get; } = NameOf(inner);
        public IReadOnlyList<string> Schema => inner.Schema;
        public bool Handles(RecordedEvent e) => true;
        public Task ApplyAsync(ProjectionWriter writer, RecordedEvent e, object payload, CancellationToken ct) => inner.ApplyAsync(writer, e, payload, ct);
        public Task CompleteFillAsync(ProjectionWriter writer, CancellationToken ct) => inner.CompleteFillAsync(writer, ct);
    }

    private static async Task<Dictionary<string, Dictionary<string, List<string>>>> DumpAsync(ReadModelDatabase db, IEnumerable<IProjection> projections)
    {
        var dumps = new Dictionary<string, Dictionary<string, List<string>>>();
        foreach (var projection in projections) dumps[projection.Name] = await ReadModelDump.TakeAsync(db, projection);
        return dumps;
    }

    /// The names of the indexes on a generation's tables, without the generation (unique ones included).
    private async Task<List<string>> IndexesAsync(Scenario scenario, int generation)
    {
        await using var c = await scenario.Runner.Database.OpenAsync();
        await using var sql = new Sql(c);
        var names = new List<string>();
        foreach (var projection in scenario.Runner.Projections)
        {
            var prefix = $"rm_{projection}_{generation}_";
            var query = Backend is SqliteBackend
                ? "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%' AND substr(name, 1, length(@prefix)) = @prefix"
                : "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' AND substr(indexname, 1, length(@prefix)) = @prefix";
            names.AddRange((await sql.QueryAsync(query, r => r.GetString(0), default, ("@prefix", prefix))).Select(n => n[prefix.Length..]));
        }
        return [.. names.Order(StringComparer.Ordinal)];
    }
}

public sealed class when_all_projections_are_rebuilt_together_on_sqlite : when_all_projections_are_rebuilt_together
{
    protected override Backend Backend { get; } = new SqliteBackend();
    protected override int Cases => 5;

    [Fact]
    public async Task the_fill_connection_goes_back_to_the_pool_with_its_own_settings()
    {
        await using var scenario = await Scenario.StartAsync(Backend);
        await scenario.RecordAsync(OrganisationCase.Generate(7).Facts);
        await scenario.SettleAsync();
        var before = await SettingsAsync(scenario);
        await scenario.Runner.RebuildAllAsync();
        Assert.Equal(before, await SettingsAsync(scenario));
    }

    /// synchronous and cache_size of several pooled connections open at once (the fill's among them).
    private static async Task<string> SettingsAsync(Scenario scenario)
    {
        var open = new List<System.Data.Common.DbConnection>();
        try
        {
            for (var i = 0; i < 4; i++) open.Add(await scenario.Runner.Database.OpenAsync());
            var settings = new List<string>();
            foreach (var c in open)
            {
                await using var sql = new Sql(c);
                settings.Add($"{await sql.ScalarAsync("PRAGMA synchronous", default)}/{await sql.ScalarAsync("PRAGMA cache_size", default)}");
            }
            return string.Join(",", settings);
        }
        finally
        {
            foreach (var c in open) await c.DisposeAsync();
        }
    }
}

[Collection(PostgresFixture.Collection)]
public sealed class when_all_projections_are_rebuilt_together_on_postgres(PostgresFixture postgres) : when_all_projections_are_rebuilt_together
{
    protected override Backend Backend { get; } = new PostgresBackend(postgres);
    protected override int Cases => 2;
}
