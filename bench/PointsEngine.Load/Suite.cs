using System.Diagnostics;
using PointsEngine.Load.Report;
using PointsEngine.Load.Sections;
using PointsEngine.Load.Support;

namespace PointsEngine.Load;

/// Runs the sections in order (each failure is reported in its rows, the others still run) and returns
/// the results block for docs/PERFORMANCE.md.
public static class Suite
{
    public static async Task<(Results Results, string Markdown)> RunAsync(SuiteOptions options, string command, ProgressLog log)
    {
        var before = MachineInfo.Current();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var results = new Results();
        Directory.CreateDirectory(options.WorkDirectory);
        log.Line($"PointsEngine performance suite{(options.Quick ? " (--quick)" : "")}: {before.Cores} cores, {before.Cpu}, load {before.LoadAverage}");

        await SectionAsync(SectionNames.Micro, () => new MicroSuite(options, log, results).RunAsync());
        await SectionAsync(SectionNames.Sqlite, () => new SqliteSuite(options, log, results).RunAsync());
        await SectionAsync(SectionNames.Scale, () => new ScaleSuite(options, log, results).RunAsync());
        await SectionAsync(SectionNames.Http, () => new HttpSuite(options, log, results).RunAsync());
        await SectionAsync(SectionNames.Startup, () => new StartupSuite(options, log, results).RunAsync());
        await SectionAsync(SectionNames.Postgres, () => new PostgresSuite(options, log, results).RunAsync());

        MissingRows(results, "not run");
        var markdown = PerformanceMarkdown.Results(results, MachineInfo.Current(), before, command, started, clock.Elapsed, options.Quick);
        log.Line($"done in {clock.Elapsed:h\\:mm\\:ss}");
        return (results, markdown);

        async Task SectionAsync(string name, Func<Task> run)
        {
            if (!options.Runs(name)) return;
            var sectionClock = Stopwatch.StartNew();
            log.Line($"== {name}");
            try
            {
                await run();
            }
            catch (Exception e)
            {
                log.Line($"!! {name} failed: {e}");
                results.Note(name, $"The section failed: {e.GetType().Name}: {e.Message}");
                MissingRows(results, $"{name} failed");
            }
            log.Line($"== {name} took {sectionClock.Elapsed:mm\\:ss}");
        }
    }

    /// Every row the table must have; those not measured say why.
    private static void MissingRows(Results results, string why)
    {
        (string Id, string Measure, string Target)[] expected =
        [
            (RowIds.RawInsert, "Raw limit: SQLite indexed inserts", "—"),
            (RowIds.RawRead, "Raw limit: sequential read of the log", "—"),
            (RowIds.Naive, "Naive baseline: one transaction per award", "—"),
            (RowIds.EngineActivities, "Engine, SQLite durable: scored activities/s", "≥ 50,000/s"),
            (RowIds.EngineRows, "Engine rows/s vs raw indexed inserts", "≥ 50 % of raw"),
            (RowIds.EngineVsNaive, "Engine vs naive baseline", "≥ 10× naive"),
            (RowIds.HttpMeeting, "HTTP: 40-member meeting per request", "≥ 1,000 req/s"),
            (RowIds.HttpSingle, "HTTP: single writes", "≥ 5,000 req/s, p99 < 20 ms"),
            (RowIds.Rebuild, "Rebuild of all projections", "≥ 250,000 events/s"),
            (RowIds.BranchRanking, "Query: 500-member branch ranking", "p99 < 2 ms"),
            (RowIds.TopHundred, "Query: organisation-wide top 100", "p99 < 10 ms at 1,000,000"),
            (RowIds.TopHundredAtTarget, "Query: top 100 among 1,000,000 members", "p99 < 10 ms"),
            (RowIds.Evidence, "Query: a member's year evidence", "p99 < 5 ms"),
            (RowIds.ActorMemory, "Memory per resident member actor", "≤ 2 KB"),
            (RowIds.Passivation, "Idle actors passivated", "idle actors passivated"),
            (RowIds.ColdRecovery, "Cold recovery of every member", "timed (#17)"),
            (RowIds.Startup, "Start-up with a large log", "< 5 s with 10,000,000 events"),
            (RowIds.PgRawInsert, "PostgreSQL raw limit: inserts", "—"),
            (RowIds.PgRawRead, "PostgreSQL raw limit: sequential read", "—"),
            (RowIds.PgEngine, "PostgreSQL engine ingest", "report"),
            (RowIds.PgRebuild, "PostgreSQL rebuild", "report"),
            (RowIds.MicroDecide, "Micro: Decide + Evolve per member fact", "—"),
            (RowIds.MicroRuleLookup, "Micro: rule lookup", "—"),
            (RowIds.MicroRoute, "Micro: route a 40-member meeting", "—"),
            (RowIds.MicroSerialize, "Micro: serializer", "—"),
        ];
        foreach (var (id, measure, target) in expected) results.Missing(id, measure, target, why);
    }
}
