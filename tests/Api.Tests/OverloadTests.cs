using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PointsEngine.Api.Hosting;
using PointsEngine.Api.Tests.Support;
using PointsEngine.Api.Writing;
using PointsEngine.Domain.Facts;
using PointsEngine.Domain.Values;
using PointsEngine.Engine.Scoring;
using PointsEngine.Engine.Actors;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Api.Tests;

/// Overload and faults answer with problem documents and Retry-After, never a bare 500 (issue #5, #8 item 6).
public sealed class when_the_engine_is_overloaded(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output = output;

    [Fact]
    public async Task writes_are_refused_with_503_and_retry_after_while_scoring_lags_too_far_behind()
    {
        await using var api = ApiHost.OnSqlite(b => b
            // The branch, its year's opening (YearOpened) and the member are 3 events: the third write is still
            // admitted (2 behind), the fourth is not.
            .UseSetting("Api:MaxScoringBacklog", "2")
            .WithStalledScoring());
        var store = api.Services.GetRequiredService<IEventStore>();
        (await api.Admin.PostJsonAsync("/api/branches", new { branch = "b1", name = "b1", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        (await api.Admin.PostJsonAsync("/api/members", new { member = "m-01", name = "m", branch = "b1", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        var head = await store.ReadHeadPositionAsync();

        var refused = await api.Admin.PostJsonAsync("/api/volunteer-service", new { member = "m-01", hours = 1, activity = "a", occurredOn = "2025-02-01" });

        refused.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "scoring-backlog");
        Assert.NotNull(refused.Response.Headers.RetryAfter);
        Assert.Equal(head, await store.ReadHeadPositionAsync());
    }

    /// The backlog refuses new facts, not retries: a fact already recorded answers with its first result
    /// (found in its stream only now that a refusal is due), without a Retry-After.
    [Fact]
    public async Task a_retry_while_scoring_lags_answers_its_first_result()
    {
        await using var api = ApiHost.OnSqlite(b => b
            // The branch, its year's opening and the member are 3 events, the first volunteer hours the 4th:
            // admitted at 3 behind, everything after is refused.
            .UseSetting("Api:MaxScoringBacklog", "3")
            .WithStalledScoring());
        var store = api.Services.GetRequiredService<IEventStore>();
        (await api.Admin.PostJsonAsync("/api/branches", new { branch = "b1", name = "b1", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        (await api.Admin.PostJsonAsync("/api/members", new { member = "m-01", name = "m", branch = "b1", occurredOn = "2025-01-01" })).ShouldBe(HttpStatusCode.Created);
        var hours = new { member = "m-01", hours = 1, activity = "a", occurredOn = "2025-02-01" };
        var first = await api.Admin.PostJsonAsync("/api/volunteer-service", hours, "hours-1");
        first.ShouldBe(HttpStatusCode.Created);
        var head = await store.ReadHeadPositionAsync();

        var retry = await api.Admin.PostJsonAsync("/api/volunteer-service", hours, "hours-1");
        var another = await api.Admin.PostJsonAsync("/api/volunteer-service", hours, "hours-2");
        var reused = await api.Admin.PostJsonAsync("/api/volunteer-service", hours with { hours = 2 }, "hours-1");

        retry.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(first["position"], retry["position"]);
        Assert.Contains("true", retry.Response.Headers.GetValues(FactWriter.ReplayedHeader));
        Assert.Null(retry.Response.Headers.RetryAfter);
        another.ShouldBeProblem(HttpStatusCode.ServiceUnavailable, "scoring-backlog");
        Assert.NotNull(another.Response.Headers.RetryAfter);
        reused.ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(head, await store.ReadHeadPositionAsync());
    }

    [Theory]
    [InlineData("mailbox", 429, "mailbox-full", true)]
    [InlineData("timeout", 503, "store-busy", true)]
    [InlineData("bug", 500, "internal-error", false)]
    public async Task a_fault_behind_a_write_is_a_problem_document(string fault, int status, string code, bool retryAfter)
    {
        Exception error = fault switch
        {
            "mailbox" => new MailboxFullException("member-m-01", 1000),
            "timeout" => new TimeoutException("pool exhausted"),
            _ => new InvalidOperationException("a bug with internals: C:\\secret\\path"),
        };
        // The fault comes from the append of the member's fact (the organisation's facts go in as usual).
        await using var api = ApiHost.OnSqlite(b => b
            .UseSetting("Projections:Run", "false")
            .ConfigureTestServices(services =>
            {
                services.AddSingleton(sp => SqliteEventStore.OpenAsync(new SqliteStoreOptions(
                    sp.GetRequiredService<IConfiguration>()["Store:Path"]!)).GetAwaiter().GetResult());
                services.AddSingleton<IEventStore>(sp => new FailingFactAppends(sp.GetRequiredService<SqliteEventStore>(), error));
                services.AddSingleton<ICheckpointStore>(sp => new SqliteCheckpointStore(sp.GetRequiredService<SqliteEventStore>()));
                services.AddSingleton<ICredentialStore>(sp => new SqliteCredentialStore(sp.GetRequiredService<SqliteEventStore>()));
            }));
        await Setup.BranchAsync(api.Admin, "b1", "m-01");

        var answer = await api.Admin.PostJsonAsync("/api/volunteer-service", new { member = "m-01", hours = 1, activity = "a", occurredOn = "2025-02-01" });

        answer.ShouldBeProblem((HttpStatusCode)status, code);
        Assert.Equal(retryAfter, answer.Response.Headers.RetryAfter is not null);
        Assert.DoesNotContain("secret", answer.Body.ToString());
    }

    /// A server on a SQLite file behind a <see cref="FaultyEventStore"/> the test can stall (no read models:
    /// they need the store unwrapped; the log is what these tests check).
    internal static (ApiHost Api, FaultyEventStore Store) FaultyServer(params (string Key, string Value)[] settings) => FaultyServer(null, settings);

    internal static (ApiHost Api, FaultyEventStore Store) FaultyServer(Action<IServiceCollection>? more, params (string Key, string Value)[] settings)
    {
        FaultyEventStore? faulty = null;
        var api = ApiHost.OnSqlite(b =>
        {
            b.UseSetting("Projections:Run", "false");
            foreach (var (key, value) in settings) b.UseSetting(key, value);
            b.ConfigureTestServices(services =>
            {
                services.AddSingleton(sp => SqliteEventStore.OpenAsync(new SqliteStoreOptions(
                    sp.GetRequiredService<IConfiguration>()["Store:Path"]!)).GetAwaiter().GetResult());
                services.AddSingleton<IEventStore>(sp => faulty = new FaultyEventStore(sp.GetRequiredService<SqliteEventStore>()));
                services.AddSingleton<ICheckpointStore>(sp => new SqliteCheckpointStore(sp.GetRequiredService<SqliteEventStore>()));
                services.AddSingleton<ICredentialStore>(sp => new SqliteCredentialStore(sp.GetRequiredService<SqliteEventStore>()));
                more?.Invoke(services);
            });
        });
        _ = api.Services.GetRequiredService<IEventStore>();
        return (api, faulty!);
    }

    /// Every fact id the log holds, with how often it was recorded (outside the member streams).
    private static async Task<Dictionary<string, int>> RecordedFactsAsync(IEventStore store, EventSerializer serializer)
    {
        var facts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var e in store.ReadAllAsync(LogPosition.Start))
            if (FactStreams.HoldsRecordedFacts(e.Stream) && serializer.Deserialize(e) is IFact fact)
                facts[fact.FactId.Value] = facts.GetValueOrDefault(fact.FactId.Value) + 1;
        return facts;
    }

    private static long Heap() => GC.GetTotalMemory(forceFullCollection: true);

    private static long WorkingSet()
    {
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        return p.WorkingSet64;
    }

    /// Issue #8 item 6. Member actors that cannot persist (their appends held) leave their deliveries
    /// unanswered; the dispatcher retries after the ask time-out and stops pulling at its in-flight bound (#17:
    /// no mailbox bound any more, at most one delivery in flight per member); scoring falls behind; writes are then refused
    /// with 503 + Retry-After. Memory stays bounded through a flood, and once the store lets go every
    /// acknowledged write is in the log exactly once and scored.
    [Fact]
    public async Task a_flood_against_saturated_member_mailboxes_is_refused_with_retry_after_and_loses_nothing()
    {
        var (api, store) = FaultyServer(("Scoring:AskTimeout", "00:00:01"), ("Scoring:MaxInFlight", "32"), ("Api:MaxScoringBacklog", "150"));
        await using var _ = api;
        var members = Setup.Members("m", 3);
        await Setup.RulesAsync(api.Admin);
        await Setup.BranchAsync(api.Admin, "b1", members);
        await api.HeadAsync();
        var engine = api.Services.GetRequiredService<ScoringHost>().Engine;
        var serializer = api.Services.GetRequiredService<EventSerializer>();

        store.HoldAppends(s => s.Value.StartsWith("member-", StringComparison.Ordinal));
        var heapBefore = Heap();
        var workingSetBefore = WorkingSet();
        const int flood = 3_000;
        var acked = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var refused = new System.Collections.Concurrent.ConcurrentBag<(int Status, string? MediaType, string? Code, string? Zh, string? En, bool RetryAfter)>();
        using (var gate = new SemaphoreSlim(64))
        {
            await Task.WhenAll(Enumerable.Range(0, flood).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var answer = await api.Admin.PostJsonAsync("/api/volunteer-service",
                        new { member = members[i % members.Length], hours = 1, activity = $"洪峰 {i}", occurredOn = "2025-02-01" }, $"flood-{i}");
                    if (answer.Status == HttpStatusCode.Created) acked[$"flood-{i}"] = answer["factId"]!;
                    else refused.Add(((int)answer.Status, answer.Response.Content.Headers.ContentType?.MediaType, answer["code"], answer["zh"], answer["en"],
                        answer.Response.Headers.RetryAfter is not null));
                    answer.Response.Dispose();
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        var heapGrowth = Heap() - heapBefore;
        var workingSetGrowth = WorkingSet() - workingSetBefore;

        // The held deliveries time out after the 1 s ask time-out and are retried; a flood refused quickly can
        // end before the first time-out (it did once in CI), so the retry is awaited, for at most 10 s.
        for (var waited = 0; engine.DeliveryRetries == 0 && waited < 100; waited++) await Task.Delay(100);
        Assert.True(engine.DeliveryRetries > 0, "no delivery was ever retried");
        Assert.NotEmpty(acked);
        Assert.NotEmpty(refused);
        foreach (var answer in refused)
        {
            Assert.Contains(answer.Status, new[] { 429, 503 });
            Assert.Equal("application/problem+json", answer.MediaType);
            Assert.False(string.IsNullOrWhiteSpace(answer.Zh) || string.IsNullOrWhiteSpace(answer.En), "zh and en");
            Assert.True(answer.RetryAfter, "Retry-After");
        }
        // Generous: only unbounded buffering (of requests, deliveries or events) gets near it.
        Assert.True(heapGrowth < 32 * 1024 * 1024, $"the managed heap grew by {heapGrowth / 1024 / 1024} MB during the flood");

        store.ReleaseAppends();
        var head = await store.ReadHeadPositionAsync();
        await engine.WaitUntilScoredAsync(head).WaitAsync(TimeSpan.FromMinutes(3));
        var facts = await RecordedFactsAsync(store, serializer);
        Assert.All(acked.Values, f => Assert.Equal(1, facts.GetValueOrDefault(f)));
        var awarded = 0;
        foreach (var m in members) awarded += (await api.MemberAsync(m)).FactsIn(2025).Count(f => acked.Values.Contains(f.FactId.Value));
        Assert.Equal(acked.Count, awarded);
        _output.WriteLine($"{flood} writes against 2-message mailboxes: {acked.Count} acknowledged (all in the log once and scored), {refused.Count} refused " +
                          $"({string.Join(", ", refused.GroupBy(a => $"{a.Status} {a.Code}").Select(g => $"{g.Key}×{g.Count()}"))}), " +
                          $"{engine.DeliveryRetries} deliveries retried on full mailboxes; heap +{heapGrowth / 1024.0 / 1024:N1} MB, working set +{workingSetGrowth / 1024 / 1024} MB");
    }

    /// Issue #8 item 6. The store stops confirming appends. At most Api:MaxWritesInFlight appends wait for
    /// it; every other write is refused at once with 503 + Retry-After, and those waiting are answered 503
    /// after Api:AppendTimeoutSeconds. A flood of large meetings leaves memory bounded. When the store lets
    /// go, each write sent again with its key is recorded exactly once (a replay when it had committed).
    [Fact]
    public async Task a_flood_against_a_stalled_store_is_refused_with_retry_after_and_memory_stays_bounded()
    {
        const int inFlight = 8;
        // Scoring is off: this is about the store (and 450,000 attendance awards would only slow the test).
        var (api, store) = FaultyServer(("Api:MaxWritesInFlight", $"{inFlight}"), ("Api:AppendTimeoutSeconds", "1"), ("Scoring:Run", "false"));
        await using var _ = api;
        var members = Setup.Members("m", 300);
        await Setup.RulesAsync(api.Admin);
        await Setup.BranchAsync(api.Admin, "b1", members);
        await api.HeadAsync();
        var serializer = api.Services.GetRequiredService<EventSerializer>();
        object Meeting(int i) => new
        {
            occurredOn = "2025-03-01", kind = "党员大会", topic = $"会议 {i} {new string('议', 150)}",
            attendance = members.Select(m => new { member = m, status = "出席" }),
        };

        store.HoldAppends();
        var heapBefore = Heap();
        var workingSetBefore = WorkingSet();
        const int flood = 1_500;
        var peakHeld = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                peakHeld = Math.Max(peakHeld, store.AppendsHeld);
                await Task.Delay(5);
            }
        });
        // All at once: a server that queued every write behind the stalled store would hold them all.
        // Only what the checks need is kept of each answer, so the heap measures the server, not the answers.
        var answers = await Task.WhenAll(Enumerable.Range(0, flood).Select(async i =>
        {
            var answer = await api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting(i), $"meeting-{i}");
            var problem = (answer.Status, answer.Response.Content.Headers.ContentType?.MediaType, Code: answer["code"], answer["zh"], answer["en"],
                RetryAfter: answer.Response.Headers.RetryAfter is not null);
            answer.Response.Dispose();
            return problem;
        }));
        await watching.CancelAsync();
        await watcher;
        var heapGrowth = Heap() - heapBefore;
        var workingSetGrowth = WorkingSet() - workingSetBefore;

        Assert.All(answers, a =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status);
            Assert.Equal("application/problem+json", a.MediaType);
            Assert.False(string.IsNullOrWhiteSpace(a.Item4) || string.IsNullOrWhiteSpace(a.Item5), "zh and en");
            Assert.Contains(a.Code, new[] { "writes-saturated", "store-busy" });
            Assert.True(a.RetryAfter, "Retry-After");
        });
        _output.WriteLine($"heap +{heapGrowth / 1024.0 / 1024:N1} MB, working set +{workingSetGrowth / 1024 / 1024} MB, at most {peakHeld} appends waiting");
        Assert.True(heapGrowth < 16 * 1024 * 1024, $"the managed heap grew by {heapGrowth / 1024 / 1024} MB during the flood");
        Assert.InRange(peakHeld, 1, inFlight);

        var timedOut = answers.Count(a => a.Code == "store-busy");
        store.ReleaseAppends();
        // Each client does as told: sends the same request with the same key again after a pause, until answered.
        using var clients = new SemaphoreSlim(16);
        var retried = await Task.WhenAll(Enumerable.Range(0, flood).Select(async i =>
        {
            await clients.WaitAsync();
            try
            {
                while (true)
                {
                    var answer = await api.Admin.PostJsonAsync("/api/branches/b1/meetings", Meeting(i), $"meeting-{i}");
                    if (answer.Status != HttpStatusCode.ServiceUnavailable) return answer;
                    if (answer["code"] == "store-busy") Interlocked.Increment(ref timedOut);
                    await Task.Delay(20);
                }
            }
            finally
            {
                clients.Release();
            }
        }));
        Assert.All(retried, a => a.ShouldBe(HttpStatusCode.Created));
        var replays = retried.Count(a => a.Response.Headers.Contains(FactWriter.ReplayedHeader));
        var facts = await RecordedFactsAsync(store, serializer);
        Assert.All(retried, a => Assert.Equal(1, facts.GetValueOrDefault(a["factId"]!)));
        // Only a write answered "store-busy" (its append timed out, not withdrawn) can commit unacknowledged.
        Assert.InRange(replays, 0, timedOut);
        _output.WriteLine($"{flood} meetings of {members.Length} members against a stalled store: all refused with 503 + Retry-After " +
                          $"({string.Join(", ", answers.GroupBy(a => a.Code).Select(g => $"{g.Key}×{g.Count()}"))}), at most {peakHeld} appends waiting; " +
                          $"heap +{heapGrowth / 1024.0 / 1024:N1} MB, working set +{workingSetGrowth / 1024 / 1024} MB; after release all {flood} retried: " +
                          $"{replays} had committed meanwhile (answered as replays), each fact once in the log");
    }

    /// Appends and reads pass through; the subscription never delivers (scoring and the follower stall).
    internal sealed class StalledSubscriptions(IEventStore inner) : IEventStore
    {
        public Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default) =>
            inner.AppendToStreamAsync(stream, expected, events, ct);

        public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(StreamName stream, StreamRevision from, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            inner.ReadStreamAsync(stream, from, maxCount, ct);

        public IAsyncEnumerable<RecordedEvent> ReadAllAsync(LogPosition after, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            inner.ReadAllAsync(after, maxCount, ct);

        public Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default) => inner.ReadStreamRevisionAsync(stream, ct);

        public Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default) => inner.ReadHeadPositionAsync(ct);

        public async IAsyncEnumerable<RecordedEvent> SubscribeToAllAsync(LogPosition after, [EnumeratorCancellation] CancellationToken ct = default)
        {
            await Task.Delay(Timeout.Infinite, ct);
            yield break;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// Appends to a member's fact stream fail with the given error; everything else reaches the store.
    private sealed class FailingFactAppends(IEventStore inner, Exception error) : IEventStore
    {
        public async Task<AppendResult> AppendToStreamAsync(StreamName stream, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct = default)
        {
            if (stream.Value.StartsWith("facts-", StringComparison.Ordinal)) throw error;
            return await inner.AppendToStreamAsync(stream, expected, events, ct);
        }

        public IAsyncEnumerable<RecordedEvent> ReadStreamAsync(StreamName stream, StreamRevision from, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            inner.ReadStreamAsync(stream, from, maxCount, ct);

        public IAsyncEnumerable<RecordedEvent> ReadAllAsync(LogPosition after, int maxCount = int.MaxValue, CancellationToken ct = default) =>
            inner.ReadAllAsync(after, maxCount, ct);

        public Task<StreamRevision?> ReadStreamRevisionAsync(StreamName stream, CancellationToken ct = default) => inner.ReadStreamRevisionAsync(stream, ct);

        public Task<LogPosition> ReadHeadPositionAsync(CancellationToken ct = default) => inner.ReadHeadPositionAsync(ct);

        public IAsyncEnumerable<RecordedEvent> SubscribeToAllAsync(LogPosition after, CancellationToken ct = default) => inner.SubscribeToAllAsync(after, ct);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

internal static class StalledScoringHost
{
    /// The server without projections, whose scoring never sees the log: the backlog grows with every write.
    public static Microsoft.AspNetCore.Hosting.IWebHostBuilder WithStalledScoring(this Microsoft.AspNetCore.Hosting.IWebHostBuilder b) => b
        .UseSetting("Projections:Run", "false")
        .ConfigureTestServices(services =>
        {
            services.AddSingleton(sp => SqliteEventStore.OpenAsync(new SqliteStoreOptions(
                sp.GetRequiredService<IConfiguration>()["Store:Path"]!)).GetAwaiter().GetResult());
            services.AddSingleton<IEventStore>(sp => new when_the_engine_is_overloaded.StalledSubscriptions(sp.GetRequiredService<SqliteEventStore>()));
            services.AddSingleton<ICheckpointStore>(sp => new SqliteCheckpointStore(sp.GetRequiredService<SqliteEventStore>()));
            services.AddSingleton<ICredentialStore>(sp => new SqliteCredentialStore(sp.GetRequiredService<SqliteEventStore>()));
        });
}
