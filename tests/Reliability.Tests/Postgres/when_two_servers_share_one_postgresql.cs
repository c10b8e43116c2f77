using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using PointsEngine.Domain.Members;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Rules;
using PointsEngine.Engine.Scoring;
using PointsEngine.Reliability.Tests.Support;
using PointsEngine.Store;
using PointsEngine.Store.Postgres;
using PointsEngine.TestSupport;
using Xunit.Abstractions;

namespace PointsEngine.Reliability.Tests.Postgres;

[CollectionDefinition(PostgresFixture.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;

/// Issue #8 item 2. Two real server processes on one PostgreSQL database (one dispatches, #17); concurrent
/// clients write to the same members through either process under the default rule set's caps (volunteer
/// service: at most 4 h a time, 20 points a year). Member totals must equal a simple reference model, no
/// award line may be given twice, and exactly one process projects at any time: when the projecting
/// process is killed with SIGKILL, the other takes over (measured), and the read models still equal a
/// rebuild from the log.
[Collection(PostgresFixture.Collection)]
public sealed class when_two_servers_share_one_postgresql(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Members = ["m-01", "m-02", "m-03", "m-04"];
    private const int Clients = 6;

    private readonly string _dir = Directory.CreateTempSubdirectory("pe-two-").FullName;
    private readonly EventSerializer _serializer = DomainSerializer.Create();
    private readonly ConcurrentDictionary<string, decimal> _hours = new();
    private readonly ConcurrentDictionary<string, decimal> _adjustments = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private int _acknowledged;

    [Fact]
    public async Task both_score_without_double_awards_and_one_projects_at_a_time_with_takeover_when_it_is_killed()
    {
        var database = await postgres.CreateDatabaseAsync("two_servers");
        var settings = new Dictionary<string, string>
        {
            ["Store:Provider"] = "postgres",
            ["Store:ConnectionString"] = database,
            ["Auth:SigningKey"] = Tokens.SigningKey,
            ["Api:WaitSeconds"] = "120",
        };
        var admin = Tokens.Admin();
        var a = await ServerProcess.StartAsync(settings, _dir);
        var b = await ServerProcess.StartAsync(settings, _dir);
        var monitor = new LeadershipMonitor();
        try
        {
            Assert.True(await ProjectingAsync(a), "the first process to start leads");
            Assert.False(await ProjectingAsync(b), "the second process follows");
            Assert.Equal("True", (string?)(await b.HealthAsync())!["scoring"]);

            using (var client = a.Client(admin))
            {
                (await client.PostAsync("/api/rules", PointsEngine.TestSupport.TypicalRules.Document(), "rules")).ShouldBe201();
                (await client.PostAsync("/api/branches", Workload.Json(new { branch = "b1", name = "一支部", occurredOn = "2025-01-01" }), "b1")).ShouldBe201();
                foreach (var m in Members)
                    (await client.PostAsync("/api/members", Workload.Json(new { member = m, name = m, branch = "b1", occurredOn = "2025-01-01" }), m)).ShouldBe201();
            }
            await WaitUntilKnownAsync(b, admin);

            monitor.Watch(a, b);
            // Phase 1: both processes take writes for the same members at once.
            await LoadAsync([a, b], admin, writesPerClient: 40, "both");

            // Phase 2: the projecting process dies; the other takes over while it keeps taking writes.
            var takeovers = new List<TimeSpan>();
            takeovers.Add(await KillLeaderAsync(a, b));
            await LoadAsync([b], admin, writesPerClient: 10, "after the first takeover");
            using (var c = b.Client(admin)) await WaitAsync(c, "b after takeover");

            // Phase 3: the dead one comes back as a follower, then the new leader dies in turn.
            await a.DisposeAsync();
            a = await ServerProcess.StartAsync(settings, _dir);
            monitor.Watch(a, b);
            Assert.False(await ProjectingAsync(a), "a restarted process follows the one that took over");
            await WaitUntilKnownAsync(a, admin);
            await LoadAsync([a, b], admin, writesPerClient: 10, "both again");
            takeovers.Add(await KillLeaderAsync(b, a));
            await LoadAsync([a], admin, writesPerClient: 10, "after the second takeover");
            using (var c = a.Client(admin)) await WaitAsync(c, "a after the second takeover");

            var rounds = await monitor.StopAsync();
            Assert.True(monitor.BothProjecting.IsEmpty, $"two processes projected at once: {string.Join("; ", monitor.BothProjecting.Take(5))}");
            Assert.True(_unexpected.IsEmpty, string.Join("\n", _unexpected.Take(20)));

            await a.DisposeAsync();
            var (events, awards, rows) = await CheckLogAndReadModelsAsync(database);
            output.WriteLine($"{_acknowledged} writes acknowledged through two processes; {events:N0} events and {awards:N0} award lines checked, " +
                             $"totals of {Members.Length} members equal the reference model; {rounds:N0} health rounds never saw two processes projecting; " +
                             $"takeover after SIGKILL of the leader: {string.Join(", ", takeovers.Select(t => $"{t.TotalSeconds:N1} s"))}; " +
                             $"{rows:N0} read-model rows equal a rebuild");
        }
        finally
        {
            await monitor.StopAsync();
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    /// Kills the leader with SIGKILL and returns how long until the follower says it projects.
    private async Task<TimeSpan> KillLeaderAsync(ServerProcess leader, ServerProcess follower)
    {
        Assert.True(await ProjectingAsync(leader), "the process to kill is the leader");
        var clock = Stopwatch.StartNew();
        await leader.KillAsync();
        while (!await ProjectingAsync(follower))
        {
            // Generous: only catches a follower that never takes over (it retries every second).
            if (clock.Elapsed > TimeSpan.FromSeconds(90)) throw new TimeoutException("the follower did not take over");
            await Task.Delay(20);
        }
        var took = clock.Elapsed;
        output.WriteLine($"takeover in {took.TotalMilliseconds:N0} ms");
        return took;
    }

    private async Task LoadAsync(ServerProcess[] servers, string token, int writesPerClient, string phase)
    {
        var clients = servers.Select(s => s.Client(token)).ToArray();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
            {
                var random = new Random(c * 7919 + writesPerClient + servers.Length);
                for (var i = 0; i < writesPerClient; i++)
                {
                    var member = Members[random.Next(Members.Length)];
                    var volunteer = random.Next(4) != 0;
                    var hours = random.Next(1, 9) / 2m;
                    var points = random.Next(1, 4);
                    var key = $"{phase}-{c}-{i}-{Guid.NewGuid():N}";
                    var (path, json) = volunteer
                        ? ("/api/volunteer-service", Workload.Json(new { member, hours, activity = key, occurredOn = "2025-03-01" }))
                        : ("/api/adjustments", Workload.Json(new { member, points, reason = key, approver = "支委会", occurredOn = "2025-03-01" }));
                    var reply = await SendUntilAnsweredAsync(clients[random.Next(clients.Length)], path, json, key);
                    if (reply.Status != HttpStatusCode.Created)
                    {
                        _unexpected.Enqueue($"{phase}: {(int)reply.Status} {reply.Body}");
                        continue;
                    }
                    Interlocked.Increment(ref _acknowledged);
                    if (volunteer) _hours.AddOrUpdate(member, hours, (_, h) => h + hours);
                    else _adjustments.AddOrUpdate(member, points, (_, p) => p + points);
                }
            }));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    private static async Task<Reply> SendUntilAnsweredAsync(HttpClient client, string path, string json, string key)
    {
        while (true)
        {
            var reply = await client.PostAsync(path, json, key);
            // Back-pressure, or a lost race on the organisation stream: the same key again.
            if (reply.Status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests)) return reply;
            await Task.Delay(100);
        }
    }

    /// The reference model: base 60, volunteer hours (each at most 4, whole half hours) capped at 20 a
    /// year, adjustments as recorded. Caps make the order of awards matter line by line, never in total.
    private decimal Expected(string member) =>
        60 + Math.Min(20, _hours.GetValueOrDefault(member)) + _adjustments.GetValueOrDefault(member);

    private async Task<(long Events, int Awards, long Rows)> CheckLogAndReadModelsAsync(string database)
    {
        await using var store = await PostgresEventStore.OpenAsync(new PostgresStoreOptions(database));
        var audit = await LogAudit.ReadAsync(store, _serializer);
        Assert.Empty(audit.DuplicateFacts());
        Assert.Empty(audit.DuplicateAwards());
        Assert.Empty(audit.MisplacedAwards());

        var totals = new List<string>();
        foreach (var member in Members)
        {
            var state = MemberScoring.Initial(MemberId.Parse(member));
            await foreach (var e in store.ReadStreamAsync(FactStreams.Member(MemberId.Parse(member)), StreamRevision.Start))
                if (_serializer.Deserialize(e) is IMemberEvent me) state = MemberScoring.Evolve(state, me);
            var total = state.TotalIn(2025).Value;
            totals.Add($"{member}: {total} (expected {Expected(member)})");
            Assert.True(Expected(member) == total, string.Join("; ", totals));
        }
        output.WriteLine(string.Join("; ", totals));

        // Read models: those the two processes kept in turn, against a rebuild from position 0.
        return (audit.Events, audit.Awards.Count, await ReadModelDump.EqualToRebuildAsync(store, _serializer));
    }

    /// The follower's organisation directory follows the log: wait until it knows the members.
    private static async Task WaitUntilKnownAsync(ServerProcess server, string token)
    {
        using var client = server.Client(token);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var reply = await client.PostAsync("/api/access/tokens", Workload.Json(new { role = "member", member = Members[^1] }), null);
            if (reply.Status == HttpStatusCode.Created) return;
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"{server.BaseAddress} never learnt the members: {reply.Body}");
            await Task.Delay(50);
        }
    }

    /// A last write with ?wait=true: scored, and visible in the read models (which the process projects
    /// itself or, as a follower, sees in the stored checkpoints).
    private async Task WaitAsync(HttpClient client, string what)
    {
        var key = $"wait-{Guid.NewGuid():N}";
        var reply = await SendUntilAnsweredAsync(client, "/api/adjustments?wait=true",
            Workload.Json(new { member = Members[0], points = 1, reason = key, approver = "支委会", occurredOn = "2025-03-02" }), key);
        reply.ShouldBe201();
        Assert.True("True" == reply["scored"], $"{what}: not scored and visible in time: {reply.Body}");
        Interlocked.Increment(ref _acknowledged);
        _adjustments.AddOrUpdate(Members[0], 1, (_, p) => p + 1);
    }

    private static async Task<bool> ProjectingAsync(ServerProcess server) =>
        (string?)(await server.HealthAsync())?["projecting"] == "True";

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    /// Polls both processes' /health over and over and notes any round where both say they project.
    private sealed class LeadershipMonitor
    {
        private CancellationTokenSource? _stop;
        private Task<long> _running = Task.FromResult(0L);
        private long _rounds;

        public ConcurrentQueue<string> BothProjecting { get; } = new();

        public void Watch(ServerProcess first, ServerProcess second)
        {
            _stop?.Cancel();
            var stop = _stop = new CancellationTokenSource();
            var previous = _running;
            _running = Task.Run(async () =>
            {
                var rounds = await previous;
                while (!stop.IsCancellationRequested)
                {
                    var answers = await Task.WhenAll(first.HealthAsync(), second.HealthAsync());
                    if (answers.All(h => (string?)h?["projecting"] == "True"))
                        BothProjecting.Enqueue($"{first.BaseAddress} and {second.BaseAddress}");
                    rounds++;
                    try { await Task.Delay(100, stop.Token); }
                    catch (OperationCanceledException) { }
                }
                return rounds;
            });
        }

        public async Task<long> StopAsync()
        {
            _stop?.Cancel();
            return _rounds = Math.Max(_rounds, await _running);
        }
    }
}

internal static class ReplyAssertions
{
    public static Reply ShouldBe201(this Reply reply)
    {
        Assert.True(reply.Status == HttpStatusCode.Created, $"expected 201, got {(int)reply.Status}: {reply.Body}");
        return reply;
    }
}
