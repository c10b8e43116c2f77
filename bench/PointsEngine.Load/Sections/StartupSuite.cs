using System.Diagnostics;
using Microsoft.Data.Sqlite;
using PointsEngine.Load.Report;
using PointsEngine.Load.Support;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using static PointsEngine.Load.Report.Format;

namespace PointsEngine.Load.Sections;

/// Start-up with a large log: an organisation scored by the engine, the log padded to the target size,
/// scoring and projections caught up (their checkpoints at the head), everything stopped; then the real
/// server is started as a process and timed until it answers, and a query is timed on a fresh store.
public sealed class StartupSuite(SuiteOptions options, ProgressLog log, Results results)
{
    public async Task RunAsync()
    {
        var dir = Path.Combine(options.WorkDirectory, "startup");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "large.db");
        var emptyPath = Path.Combine(dir, "empty.db");
        SqliteSuite.DeleteDatabase(path);
        SqliteSuite.DeleteDatabase(emptyPath);
        var workload = new Workload(options.Branches, options.MembersPerBranch, options.AttendeesPerMeeting);

        var key = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
        var build = Stopwatch.StartNew();
        await using (var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(path)))
        await using (var harness = EngineHarness.On(store))
        {
            log.Line($"startup: an organisation of {workload.Members:N0} members and {options.Meetings / 10:N0} meetings through the engine");
            await harness.RecordInOrderAsync(workload.Organisation(), 256);
            var last = await harness.RecordAsync(workload.Meetings(options.Meetings / 10), options.RecordConcurrency);
            await harness.ScoreUpToAsync(last, TimeSpan.FromHours(1));
        }
        var small = await CatchUpAsync(path, padTo: 0);
        var smallStart = await ServerStartAsync(path, key);
        var head = await CatchUpAsync(path, padTo: options.StartupEvents);
        await (await SqliteEventStore.OpenAsync(new SqliteStoreOptions(emptyPath))).DisposeAsync();
        SqliteConnection.ClearAllPools();
        var size = new FileInfo(path).Length;
        log.Line($"startup: log of {head.Value:N0} events ({size / 1048576.0:N0} MB) built in {Seconds(build.Elapsed.TotalSeconds)}; starting the server on it");

        var empty = await ServerStartAsync(emptyPath, key);
        var large = await ServerStartAsync(path, key);
        var query = await FirstQueryAsync(path);
        log.Line($"startup: server answers after {Seconds(large.TotalSeconds)} with {head.Value:N0} events, {Seconds(smallStart.TotalSeconds)} with the same " +
                 $"organisation at {small.Value:N0} events, {Seconds(empty.TotalSeconds)} on an empty log; first query on a fresh store {Ms(query.TotalMilliseconds)}");

        var target = head.Value >= 10_000_000 ? "< 5 s with 10,000,000 events" : $"< 5 s with 10,000,000 events (measured at {head.Value:N0})";
        results.Add(new ResultRow(RowIds.Startup,
            $"Start-up: process start → the real server answers (store open, scoring and projections started from their checkpoints), log of {head.Value:N0} events ({size / 1048576.0:N0} MB)",
            $"{Seconds(large.TotalSeconds)}; the same organisation at {small.Value:N0} events: {Seconds(smallStart.TotalSeconds)}; empty log: " +
            $"{Seconds(empty.TotalSeconds)}; then a first branch ranking {Ms(query.TotalMilliseconds)}",
            "—", "—", target, large.TotalSeconds + query.TotalSeconds < 5 ? Verdict.Met : Verdict.NotMet));
        results.Note("startup", $"The log was {head.Value:N0} events: the organisation's facts and awards through the engine, padded with member snapshot " +
                                "events (which every consumer reads past) so a large log could be built in minutes; scoring and projections had caught up, " +
                                "as in a server restarted after normal operation. Start-up reads checkpoints and the organisation, rules and calendar " +
                                "streams (proportional to the organisation, not the log): compare the same organisation before padding (" +
                                $"{small.Value:N0} events, {Seconds(smallStart.TotalSeconds)}) and after ({head.Value:N0}, {Seconds(large.TotalSeconds)}). " +
                                $"Building the log took {Seconds(build.Elapsed.TotalSeconds)}.");
    }

    /// Pads the log to <paramref name="padTo"/> events, then lets scoring and the projections catch up
    /// with it (their checkpoints at the head), and stops them; returns the head.
    private async Task<LogPosition> CatchUpAsync(string path, long padTo)
    {
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(path));
        await PadAsync(store, padTo - (await store.ReadHeadPositionAsync()).Value);
        var head = await store.ReadHeadPositionAsync();
        await using (var harness = EngineHarness.On(store))
        {
            log.Line($"startup: scoring catches up with {head.Value:N0} events");
            await harness.ScoreUpToAsync(head, TimeSpan.FromHours(1));
        }
        var serializer = Engine.Scoring.DomainSerializer.Create();
        await using (var runner = new ProjectionRunner(store, serializer, ReadModels.Projections(serializer)))
        {
            await runner.InitializeAsync();
            await runner.StartAsync();
            log.Line("startup: projections catch up");
            using var progress = SqliteSuite.Every(TimeSpan.FromSeconds(10), () => log.Line($"  … projected up to {runner.UpTo.Value:N0} of {head.Value:N0}"));
            await runner.WaitForAsync(head, new CancellationTokenSource(TimeSpan.FromHours(2)).Token);
        }
        SqliteConnection.ClearAllPools();
        return head;
    }

    /// Appends member snapshot events (as the actors write every 200 events) in large appends.
    private async Task PadAsync(SqliteEventStore store, long count)
    {
        if (count <= 0) return;
        log.Line($"startup: padding the log with {count:N0} snapshot events");
        var data = """{"StateVersion":"padding","Revision":0,"State":null}""";
        var metadata = new EventMetadata(DateTimeOffset.UnixEpoch, "engine");
        const int perAppend = 1_000;
        var appends = (int)((count + perAppend - 1) / perAppend);
        var clock = Stopwatch.StartNew();
        var done = 0L;
        using var progress = SqliteSuite.Every(TimeSpan.FromSeconds(10), () => log.Line($"  … {Interlocked.Read(ref done):N0} padding events ({Rate(Interlocked.Read(ref done) / clock.Elapsed.TotalSeconds, "events")})"));
        await Parallel.ForEachAsync(Enumerable.Range(0, appends), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var n = (int)Math.Min(perAppend, count - (long)i * perAppend);
            var events = Enumerable.Range(0, n).Select(_ => new EventData(Guid.NewGuid(), "Snapshot", data, metadata)).ToArray();
            await store.AppendToStreamAsync(new StreamName($"snapshot-member-padding-{i:0000000}"), ExpectedRevision.NoStream, events, ct);
            Interlocked.Add(ref done, n);
        });
        log.Line($"startup: padded at {Rate(count / clock.Elapsed.TotalSeconds, "events")}");
    }

    private static async Task<TimeSpan> ServerStartAsync(string path, string key)
    {
        var clock = Stopwatch.StartNew();
        await using var server = ServerProcess.Start(path, key);
        await server.WaitUntilHealthyAsync(TimeSpan.FromMinutes(5));
        var elapsed = clock.Elapsed;
        SqliteConnection.ClearAllPools();
        return elapsed;
    }

    private static async Task<TimeSpan> FirstQueryAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(path));
        var read = new ReadModels(store, Engine.Scoring.DomainSerializer.Create());
        await read.RankingAsync(new RankingQuery(RankingScope.Branch, Workload.Branch(0).Value, new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31)));
        return clock.Elapsed;
    }
}
