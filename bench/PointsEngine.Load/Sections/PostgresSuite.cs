using System.Diagnostics;
using Npgsql;
using PointsEngine.Load.Report;
using PointsEngine.Load.Support;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.TestSupport;
using static PointsEngine.Load.Report.Format;

namespace PointsEngine.Load.Sections;

/// The same ingest and rebuild against a local throwaway PostgreSQL (TestSupport's PostgresServer:
/// initdb on a free port, default settings, so synchronous_commit=on), beside its raw limits.
public sealed class PostgresSuite(SuiteOptions options, ProgressLog log, Results results)
{
    public async Task RunAsync()
    {
        log.Line("postgres: starting a throwaway server");
        await using var server = await PostgresServer.StartAsync();
        var engineDb = await server.CreateDatabaseAsync("bench_engine");
        var rawDb = await server.CreateDatabaseAsync("bench_raw");
        var workload = new Workload(Math.Max(1, options.Branches / 4), options.MembersPerBranch, options.AttendeesPerMeeting);

        double activitiesPerSecond, rowsPerSecond;
        long headBefore;
        await using (var store = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(engineDb)))
        {
            await using (var harness = EngineHarness.On(store))
            {
                log.Line($"postgres: enrolling {workload.Members:N0} members");
                var setup = await harness.RecordInOrderAsync(workload.Organisation(), 256);
                await harness.ScoreUpToAsync(setup, TimeSpan.FromHours(1));
                headBefore = (await store.ReadHeadPositionAsync()).Value;
                var activities = (long)options.PgMeetings * options.AttendeesPerMeeting;
                log.Line($"postgres: recording {options.PgMeetings:N0} meetings ({activities:N0} activities), scoring live");
                var clock = Stopwatch.StartNew();
                var last = await harness.RecordAsync(workload.Meetings(options.PgMeetings), options.RecordConcurrency);
                await harness.Engine.WaitUntilScoredAsync(last, new CancellationTokenSource(TimeSpan.FromHours(1)).Token);
                var elapsed = clock.Elapsed;
                var rows = await CountAsync(engineDb, $"SELECT count(*) FROM events WHERE position > {headBefore}");
                activitiesPerSecond = activities / elapsed.TotalSeconds;
                rowsPerSecond = rows / elapsed.TotalSeconds;
                log.Line($"postgres: {Rate(activitiesPerSecond, "activities")}, {Rate(rowsPerSecond, "rows")}");
            }

            var rawInsert = await RawInsertAsync(engineDb, rawDb, headBefore);
            var rawRead = await RawReadAsync(engineDb);
            results.Add(new ResultRow(RowIds.PgEngine, "PostgreSQL engine: scored activities/s end to end (same workload, 40-member meetings); its rows/s vs raw inserts",
                $"{Rate(activitiesPerSecond, "activities")}; {Rate(rowsPerSecond, "rows")}", $"{Rate(rawInsert, "rows")} raw insert",
                Percent(rowsPerSecond / rawInsert) + " of raw (rows)", "report (same targets as SQLite for reference: ≥ 50,000/s)",
                activitiesPerSecond >= 50_000 ? Verdict.Met : Verdict.NotMet));

            var head = await store.ReadHeadPositionAsync();
            var serializer = Engine.Scoring.DomainSerializer.Create();
            await using var runner = new ProjectionRunner(store, serializer, ReadModels.Projections(serializer));
            await runner.InitializeAsync();
            log.Line($"postgres: rebuilding {runner.Projections.Count} projections over {head.Value:N0} events");
            var statements = Projections.Storage.Sql.StatementsRun;
            var rebuild = Stopwatch.StartNew();
            TimeSpan? applied = null;
            await runner.RebuildAllAsync(new SyncProgress<RebuildProgress>(p =>
            {
                if (p.Position >= head && applied is null) applied = rebuild.Elapsed;
            }));
            var rate = head.Value / rebuild.Elapsed.TotalSeconds;
            statements = Projections.Storage.Sql.StatementsRun - statements;
            log.Line($"postgres: rebuild {Rate(rate, "events")}, {statements:N0} statements; the log applied after {Seconds(applied?.TotalSeconds ?? 0)}, " +
                     $"derivations, indexes and switch {Seconds((rebuild.Elapsed - (applied ?? TimeSpan.Zero)).TotalSeconds)}");
            results.Add(new ResultRow(RowIds.PgRebuild, $"PostgreSQL rebuild of all projections ({head.Value:N0} events) vs raw sequential read",
                Rate(rate, "events"), Rate(rawRead, "events"), Percent(rate / rawRead), "report (SQLite target: ≥ 250,000 events/s)",
                rate >= 250_000 ? Verdict.Met : Verdict.NotMet));
        }
        NpgsqlConnection.ClearAllPools();
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private const string Columns = "stream, revision, event_id, type, data, occurred_at, recorded_at, recorded_by, correlation_id, causation_id";

    /// The engine's rows inserted again into a fresh database with the store's schema (its unique
    /// indexes), in transactions of the group commit's size, one pipelined batch of INSERTs each.
    private async Task<double> RawInsertAsync(string source, string target, long after)
    {
        var rows = new List<object?[]>();
        await using (var c = new NpgsqlConnection(source))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM events WHERE position > @p ORDER BY position LIMIT @n", c);
            cmd.Parameters.AddWithValue("p", after);
            cmd.Parameters.AddWithValue("n", (long)options.RawRowsMax);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var values = new object?[10];
                r.GetValues(values!);
                rows.Add(values);
            }
        }
        await (await PostgresEventStore.OpenAsync(new PostgresStoreOptions(target))).DisposeAsync();
        log.Line($"postgres: raw insert of {rows.Count:N0} rows, {options.RawBatch} per transaction");

        await using var t = new NpgsqlConnection(target);
        await t.OpenAsync();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rows.Count;)
        {
            await using var tx = await t.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(t, tx);
            for (var n = 0; n < options.RawBatch && i < rows.Count; n++, i++)
            {
                var command = new NpgsqlBatchCommand($"INSERT INTO events ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
                foreach (var value in rows[i]) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        var rate = rows.Count / clock.Elapsed.TotalSeconds;
        log.Line($"postgres: raw {Rate(rate, "rows")}");
        results.Add(new ResultRow(RowIds.PgRawInsert,
            $"PostgreSQL raw limit: inserts of the engine's rows, same table + unique indexes, {options.RawBatch} rows per transaction (pipelined)",
            Rate(rate, "rows"), "(the limit)", "1×", "—", Verdict.Reported));
        return rate;
    }

    private async Task<double> RawReadAsync(string connectionString)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT position, {Columns} FROM events ORDER BY position", c);
        var clock = Stopwatch.StartNew();
        long count = 0;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            var values = new object[11];
            while (await r.ReadAsync())
            {
                r.GetValues(values);
                count++;
            }
        }
        var rate = count / clock.Elapsed.TotalSeconds;
        log.Line($"postgres: sequential read {Rate(rate, "events")}");
        results.Add(new ResultRow(RowIds.PgRawRead, $"PostgreSQL raw limit: full sequential read of the log ({count:N0} events)",
            Rate(rate, "events"), "(the limit)", "1×", "—", Verdict.Reported));
        return rate;
    }
}
