using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Data.Sqlite;
using PointsEngine.Engine.Scoring;
using PointsEngine.Projections.Queries;
using PointsEngine.Projections.Runner;
using PointsEngine.Reliability.Tests.Support;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using Xunit.Abstractions;

namespace PointsEngine.Reliability.Tests.Crash;

/// Issue #8 item 1. A real server process on a SQLite file takes writes from several clients and is
/// killed with SIGKILL at random moments, then started again on the same file. The clients keep a book of
/// every acknowledged write (201 with its fact id) and of every write whose answer never came.
///
/// After each kill, on the dead server's file: `PRAGMA integrity_check` is ok, every acknowledged fact is
/// in the log exactly once, no award line is given twice. After each restart: every write in doubt is
/// sent again with its Idempotency-Key and is answered 201 (a replay if it had committed), and some
/// acknowledged writes are sent again and answered with their first result. At the end, also: every fact
/// in the log was acknowledged, every acknowledged fact is scored for each member it names, the
/// tamper-evidence chain verifies, and the read models equal a from-scratch rebuild of a copy.
///
/// RELIABILITY_KILLS (default 20) sets the number of kills; RELIABILITY_SEED replays a run.
public sealed class when_the_server_is_killed_under_write_load(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Writers = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("pe-crash-").FullName;
    private readonly EventSerializer _serializer = DomainSerializer.Create();
    private string DbPath => Path.Combine(_dir, "points.db");

    private Dictionary<string, string> Settings => new()
    {
        ["Store:Path"] = DbPath,
        ["Auth:SigningKey"] = Tokens.SigningKey,
        // The final ?wait=true may wait for scoring to catch up with the whole log after the last restart.
        ["Api:WaitSeconds"] = "300",
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task every_acknowledged_write_is_kept_exactly_once_and_the_read_models_equal_a_rebuild()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("RELIABILITY_KILLS"), out var k) ? k : 20;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("RELIABILITY_SEED"), out var s) ? s : Environment.TickCount;
        output.WriteLine($"seed {seed}, {kills} kills, {Writers} writers");
        var random = new Random(seed);
        var book = new ClientBook();
        var admin = Tokens.Admin();
        var clock = Stopwatch.StartNew();

        var checkedAfterKills = 0L;
        var server = await ServerProcess.StartAsync(Settings, _dir);
        try
        {
            using (var client = server.Client(admin)) await Workload.SetUpAsync(client);

            var load = new Load(book, seed);
            load.Up(server.Client(admin));
            var writers = Enumerable.Range(0, Writers).Select(load.RunAsync).ToArray();

            var underLoad = true;
            for (var kill = 1; kill <= kills; kill++)
            {
                // A random moment under load: after some more acknowledgements, plus a random delay; or,
                // now and then, while the restarted server is still catching up (no load yet).
                if (underLoad)
                {
                    var target = book.Acked.Count + random.Next(5, 80);
                    var waited = Stopwatch.StartNew();
                    while (book.Acked.Count < target && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(5);
                }
                await Task.Delay(random.Next(0, underLoad ? 150 : 400));

                load.Down();
                await server.KillAsync();
                checkedAfterKills += await CheckDeadFileAsync(book, $"after kill {kill}");

                server = await ServerProcess.StartAsync(Settings, _dir);
                // Sometimes the next kill comes while the restarted server is still catching up.
                underLoad = kill == kills || random.Next(4) != 0;
                if (!underLoad) continue;

                using (var client = server.Client(admin))
                {
                    await RetryInDoubtAsync(book, client);
                    await ReplaySomeAcknowledgedAsync(book, client, random);
                }
                load.Up(server.Client(admin));
            }

            load.Stop();
            await Task.WhenAll(writers);
            using var last = server.Client(admin);
            await RetryInDoubtAsync(book, last);
            await ReplaySomeAcknowledgedAsync(book, last, random);
            Assert.Empty(book.InDoubt);

            // One more write that waits until everything before it is scored and projected.
            var final = Workload.Next(random);
            var answer = await last.PostAsync(final.Path + "?wait=true", final.Json, final.Key);
            Assert.Equal(HttpStatusCode.Created, answer.Status);
            Assert.Equal("True", answer["scored"]);
            book.Acked[final.Key] = new Ack(answer["factId"]!, (long)answer.Body["position"]!);
            book.Sent[final.Key] = final;
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.True(book.Unexpected.IsEmpty, string.Join("\n", book.Unexpected.Take(20)));
        var events = await CheckDeadFileAsync(book, "at the end");
        await CheckEverythingAcknowledgedIsScoredAsync(book);
        var rows = await CheckReadModelsEqualARebuildAsync();

        output.WriteLine($"{kills} kills survived in {clock.Elapsed.TotalSeconds:N0} s; {book.Sent.Count} writes sent, {book.Acked.Count} acknowledged and checked " +
                         $"after every kill ({checkedAfterKills:N0} fact checks in all); {book.RetriedAndFoundCommitted} in-doubt writes had committed " +
                         $"(their retry was a replay), {book.RetriedAndRecordedNow} had not (recorded once by the retry); {book.AckedReplayed} acknowledged " +
                         $"writes replayed with their first answer; {events:N0} events in the log; {rows:N0} read-model rows equal to a rebuild");
    }

    /// On the dead server's file: integrity, every acknowledged fact exactly once, no award line twice.
    /// Returns the number of acknowledged facts checked.
    private async Task<long> CheckDeadFileAsync(ClientBook book, string when)
    {
        SqliteConnection.ClearAllPools();
        await using (var c = new SqliteConnection($"Data Source={DbPath};Mode=ReadOnly;Pooling=False"))
        {
            SQLitePCL.Batteries_V2.Init();
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await cmd.ExecuteScalarAsync());
        }

        var acked = book.Acked.ToArray();
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(DbPath));
        var audit = await LogAudit.ReadAsync(store, _serializer);
        var missing = acked.Where(a => !audit.Facts.ContainsKey(a.Value.FactId)).Select(a => $"{a.Key} → {a.Value.FactId}").ToList();
        Assert.True(missing.Count == 0, $"{when}: {missing.Count} acknowledged facts are missing: {string.Join(", ", missing.Take(10))}");
        Assert.Empty(audit.DuplicateFacts());
        Assert.Empty(audit.DuplicateAwards());
        Assert.Empty(audit.MisplacedAwards());
        var chain = await store.VerifyChainAsync();
        Assert.True(chain.IsIntact, $"{when}: the chain is broken: {chain}");
        return when == "at the end" ? audit.Events : acked.Length;
    }

    /// Every fact in the log was acknowledged to a client (nothing recorded behind a client's back), and
    /// each acknowledged fact has an award line for every member it names.
    private async Task CheckEverythingAcknowledgedIsScoredAsync(ClientBook book)
    {
        await using var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(DbPath));
        var audit = await LogAudit.ReadAsync(store, _serializer);
        var acknowledged = book.Acked.Values.Select(a => a.FactId).ToHashSet(StringComparer.Ordinal);
        var setUp = 1 + 2 + Workload.BranchOne.Length + Workload.BranchTwo.Length;
        // The engine records each year's opening itself (YearOpened, fact id year-opened-{year}); no client does.
        var unacknowledged = audit.Facts.Keys.Where(f => !acknowledged.Contains(f) && !f.StartsWith("year-opened-", StringComparison.Ordinal)).ToList();
        Assert.True(unacknowledged.Count == setUp, $"{unacknowledged.Count - setUp} facts in the log were never acknowledged");

        var unscored = new List<string>();
        foreach (var (key, ack) in book.Acked)
            foreach (var member in book.Sent[key].Points.Keys)
                if (audit.AwardsFor(member, ack.FactId).Count == 0) unscored.Add($"{book.Sent[key].Kind} {ack.FactId} for {member}");
        Assert.True(unscored.Count == 0, $"{unscored.Count} acknowledged facts are not scored: {string.Join(", ", unscored.Take(10))}");
    }

    /// The read models the crashed processes left (caught up from their checkpoints) equal a rebuild from
    /// position 0 in a copy of the database. Returns the number of rows compared.
    private async Task<long> CheckReadModelsEqualARebuildAsync()
    {
        var copy = Path.Combine(_dir, "rebuilt.db");
        await using (var c = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"VACUUM INTO '{copy}'";
            await cmd.ExecuteNonQueryAsync();
        }

        SortedDictionary<string, List<string>> incremental, rebuilt;
        await using (var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(DbPath)))
        {
            await using var runner = new ProjectionRunner(store, _serializer, ReadModels.Projections(_serializer));
            await runner.InitializeAsync();
            await runner.StartAsync();
            await runner.WaitForAsync(await store.ReadHeadPositionAsync()).WaitAsync(TimeSpan.FromMinutes(2));
            incremental = await ReadModelDump.TakeAsync(store, _serializer);
        }
        await using (var store = await SqliteEventStore.OpenAsync(new SqliteStoreOptions(copy)))
        {
            await using var runner = new ProjectionRunner(store, _serializer, ReadModels.Projections(_serializer));
            await runner.InitializeAsync();
            foreach (var projection in runner.Projections) await runner.RebuildAsync(projection);
            rebuilt = await ReadModelDump.TakeAsync(store, _serializer);
        }
        var differences = ReadModelDump.Differences(rebuilt, incremental);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.True(ReadModelDump.Rows(rebuilt) > 0, "the read models are empty");
        return ReadModelDump.Rows(rebuilt);
    }

    private static async Task RetryInDoubtAsync(ClientBook book, HttpClient client)
    {
        foreach (var write in book.InDoubt.Values.ToList())
        {
            var reply = await book.RetryAsync(client, write, CancellationToken.None);
            Assert.True(reply.Status == HttpStatusCode.Created, $"a retried {write.Kind} was refused: {(int)reply.Status} {reply.Body}");
        }
    }

    /// Acknowledged writes sent again with their key: the first answer again, and nothing recorded.
    private static async Task ReplaySomeAcknowledgedAsync(ClientBook book, HttpClient client, Random random)
    {
        var acked = book.Acked.ToArray();
        foreach (var (key, first) in acked.OrderBy(_ => random.Next()).Take(5))
        {
            var write = book.Sent[key];
            var head = await HeadAsync(client);
            var again = await client.PostAsync(write.Path, write.Json, key);
            Assert.True(again.Status == HttpStatusCode.Created, $"a replayed {write.Kind} was refused: {(int)again.Status} {again.Body}");
            Assert.True(again.Replayed, $"the replay of {key} was not marked as a replay");
            Assert.Equal(first, new Ack(again["factId"]!, (long)again.Body["position"]!));
            Assert.True(await HeadAsync(client) >= head);
            Interlocked.Increment(ref book.AckedReplayed);
        }
    }

    private static async Task<long> HeadAsync(HttpClient client) =>
        long.Parse((await client.GetJsonAsync("/health"))["headPosition"]!, CultureInfo.InvariantCulture);

    /// The writers: each sends writes one after another while the server is up, and waits while it is down.
    private sealed class Load(ClientBook book, int seed)
    {
        private readonly CancellationTokenSource _stop = new();
        private volatile TaskCompletionSource<HttpClient> _up = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Up(HttpClient client) => _up.TrySetResult(client);

        public void Down()
        {
            if (_up.Task.IsCompleted) _up = new TaskCompletionSource<HttpClient>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Stop() => _stop.Cancel();

        public async Task RunAsync(int writer)
        {
            var random = new Random(seed + writer + 1);
            while (!_stop.IsCancellationRequested)
            {
                HttpClient client;
                try { client = await _up.Task.WaitAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                try
                {
                    await book.SendAsync(client, Workload.Next(random), _stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
