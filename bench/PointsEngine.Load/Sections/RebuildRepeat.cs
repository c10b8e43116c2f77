using System.Diagnostics;
using System.Globalization;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Projections.Storage;
using PointsEngine.Store.Sqlite;

namespace PointsEngine.Load.Sections;

/// `rebuild --store FILE [--times N]`: rebuilds every projection N times over a log kept from an earlier run
/// (e.g. the sqlite section's engine.db under --work), so a change to the rebuild can be measured without
/// ingesting again. Prints, per run, the time, the statements run and the bytes allocated (the last two do
/// not depend on the machine's load).
public static class RebuildRepeat
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? path = null;
        var times = 3;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--store" when i + 1 < args.Count: path = args[++i]; break;
                case "--times" when i + 1 < args.Count: times = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine("usage: rebuild --store FILE [--times N]");
                    return 2;
            }
        }
        if (path is null || !File.Exists(path))
        {
            Console.Error.WriteLine("usage: rebuild --store FILE [--times N] (an existing store file)");
            return 2;
        }

        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(path));
        var serializer = Engine.Scoring.DomainSerializer.Create();
        var head = await store.ReadHeadPositionAsync();
        Console.WriteLine($"{head.Value:N0} events, load {File.ReadAllText("/proc/loadavg").Trim()}");
        for (var run = 1; run <= times; run++)
        {
            // As the sqlite section finds it: no read models yet, so the rebuild replaces an empty first generation.
            await DropReadModelsAsync(path);
            await using var runner = new ProjectionRunner(store, serializer, ReadModels.Projections(serializer));
            await runner.InitializeAsync();
            var statements = Sql.StatementsRun;
            var gc = GcFigures.Now();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            TimeSpan? filled = null;
            await runner.RebuildAllAsync(new SyncProgress<RebuildProgress>(p =>
            {
                if (p.Position >= head && filled is null) filled = clock.Elapsed; // the log applied; derivation, indexes and switch follow
            }));
            var elapsed = clock.Elapsed;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var used = GcFigures.Now() - gc;
            var ran = Sql.StatementsRun - statements;
            Console.WriteLine($"run {run}: {elapsed.TotalSeconds:N2} s (log applied after {filled?.TotalSeconds:N2} s), {cpu.TotalSeconds:N1} CPU-s, {head.Value / elapsed.TotalSeconds:N0} events/s, {ran:N0} statements " +
                              $"({ran / (double)head.Value:N2} per event), {used.Allocated / 1048576.0:N0} MB allocated, " +
                              $"GC {used.Gen0}/{used.Gen1}/{used.Gen2}; load {File.ReadAllText("/proc/loadavg").Trim()}");
        }
        return 0;
    }

    private static async Task DropReadModelsAsync(string path)
    {
        await using var c = await SqliteSuite.OpenAsync(path);
        var tables = new List<string>();
        await using (var list = c.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'rm\\_%' ESCAPE '\\' OR name = 'projection_generations')";
            await using var r = await list.ExecuteReaderAsync();
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        }
        foreach (var table in tables) await SqliteSuite.ExecAsync(c, $"DROP TABLE {table}");
        await SqliteSuite.ExecAsync(c, "PRAGMA wal_checkpoint(TRUNCATE)");
    }
}
