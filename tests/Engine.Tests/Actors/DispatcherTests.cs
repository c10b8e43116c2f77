using PointsEngine.Engine.Actors;
using PointsEngine.Engine.Dispatching;
using PointsEngine.Store;
using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;
using Host = PointsEngine.Engine.Actors.ShardedActorHost<PointsEngine.Engine.Tests.Actors.Tally, PointsEngine.Engine.Tests.Actors.TallyCommand, PointsEngine.Engine.Tests.Actors.Added>;

namespace PointsEngine.Engine.Tests.Actors;

/// A fact concerning several members, like a meeting with its attendance list.
public sealed record GroupFact(string Key, int Amount, string[] Members);

public sealed class a_dispatcher : IAsyncLifetime
{
    private TempSqlite _sqlite = null!;
    private FaultyEventStore _store = null!;
    private readonly EventSerializer _serializer = TallyDomain.Serializer().Register<GroupFact>("V1.GroupFact");

    public async Task InitializeAsync()
    {
        _sqlite = await TempSqlite.OpenAsync();
        _store = new FaultyEventStore(_sqlite.Store);
    }

    public async Task DisposeAsync() => await _sqlite.DisposeAsync();

    private IReadOnlyList<Delivery<TallyCommand>> Route(RecordedEvent e) =>
        _serializer.Deserialize(e) is GroupFact f
            ? f.Members.Select(m => new Delivery<TallyCommand>(m, new Add(f.Key, f.Amount), f.Key, e.Metadata)).ToList()
            : [];

    private Dispatcher<TallyCommand> NewDispatcher(Host host, DispatcherOptions? options = null) =>
        new(_store, new SqliteCheckpointStore(_sqlite.Store), "scoring", Route,
            (d, ct) => host.AskAsync(d.ActorId, d.Command, d.CommandId, d.Metadata, ct), options);

    private async Task<LogPosition> RecordFacts(int count, int membersEach)
    {
        AppendResult last = null!;
        for (var i = 0; i < count; i++)
        {
            var fact = new GroupFact($"fact-{i}", 1 + i % 3, Enumerable.Range(0, membersEach).Select(m => $"m{(i + m) % 25}").ToArray());
            last = await _sqlite.Store.AppendToStreamAsync(new StreamName($"branch-{i % 3}"), ExpectedRevision.Any,
                [_serializer.ToEventData(Guid.NewGuid(), fact, TallyDomain.Metadata)]);
        }
        return last.LastPosition!.Value;
    }

    private async Task<Dictionary<string, int>> TotalsFromStreams()
    {
        var totals = new Dictionary<string, int>();
        for (var m = 0; m < 25; m++)
        {
            var sum = 0;
            await foreach (var e in _sqlite.Store.ReadStreamAsync(TallyDomain.StreamOf($"m{m}"), StreamRevision.Start))
                sum += ((Added)_serializer.Deserialize(e)).Amount;
            totals[$"m{m}"] = sum;
        }
        return totals;
    }

    private static Dictionary<string, int> ExpectedTotals(int count, int membersEach)
    {
        var totals = Enumerable.Range(0, 25).ToDictionary(m => $"m{m}", _ => 0);
        for (var i = 0; i < count; i++)
            foreach (var m in Enumerable.Range(0, membersEach).Select(m => $"m{(i + m) % 25}").Distinct())
                totals[m] += 1 + i % 3;
        return totals;
    }

    private static async Task RunUntil(Dispatcher<TallyCommand> dispatcher, LogPosition head)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = dispatcher.RunAsync(cts.Token);
        await dispatcher.WaitForAsync(head, cts.Token);
        await cts.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task at_most_one_delivery_per_member_is_in_flight_and_a_retried_one_is_never_overtaken()
    {
        // #17: the shard region gives no mailbox order across retries (an ask that timed out is sent again),
        // so the dispatcher keeps one delivery per member in flight; every first attempt here fails.
        var head = await RecordFacts(30, 10);
        var inFlight = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var failedOnce = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var order = new System.Collections.Concurrent.ConcurrentDictionary<string, List<int>>();
        var most = 0;
        var dispatcher = new Dispatcher<TallyCommand>(_store, new SqliteCheckpointStore(_sqlite.Store), "scoring", Route,
            async (d, ct) =>
            {
                var now = inFlight.AddOrUpdate(d.ActorId, 1, (_, n) => n + 1);
                InterlockedMax(ref most, now);
                try
                {
                    await Task.Delay(Random.Shared.Next(0, 3), ct);
                    if (failedOnce.TryAdd($"{d.ActorId}|{d.CommandId}", true))
                        throw new Akka.Actor.AskTimeoutException("no answer in time");
                    var list = order.GetOrAdd(d.ActorId, _ => []);
                    lock (list) list.Add(int.Parse(d.CommandId["fact-".Length..], System.Globalization.CultureInfo.InvariantCulture));
                }
                finally
                {
                    inFlight.AddOrUpdate(d.ActorId, 0, (_, n) => n - 1);
                }
            }, new DispatcherOptions { RetryBackoff = TimeSpan.FromMilliseconds(1) });

        await RunUntil(dispatcher, head);

        Assert.Equal(1, most);
        Assert.Equal(30 * 10, dispatcher.Retries);
        Assert.All(order, o => Assert.Equal(o.Value.Order(), o.Value)); // in log order per member
        Assert.Equal(30 * 10, order.Sum(o => o.Value.Count));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Fact]
    public async Task delivers_every_fact_to_every_member_it_concerns()
    {
        var head = await RecordFacts(40, 10);
        await using var host = await TallyHosts.StartAsync(_store, _serializer);

        await RunUntil(NewDispatcher(host), head);

        Assert.Equal(ExpectedTotals(40, 10), await TotalsFromStreams());
        // The log also holds the awards themselves, which the dispatcher passes over.
        var checkpoint = await new SqliteCheckpointStore(_sqlite.Store).LoadAsync("scoring");
        Assert.InRange(checkpoint.Value, head.Value, (await _sqlite.Store.ReadHeadPositionAsync()).Value);
    }

    [Fact]
    public async Task reading_only_the_fact_streams_scores_the_same_and_passes_over_the_awards()
    {
        // The filtered subscription (the store leaves the awards unread): every fact delivered as before, and
        // a wait for the last award's position (never delivered) completes too.
        var head = await RecordFacts(40, 10);
        await using var host = await TallyHosts.StartAsync(_sqlite.Store, _serializer);
        var dispatcher = new Dispatcher<TallyCommand>(_sqlite.Store, new SqliteCheckpointStore(_sqlite.Store), "scoring", Route,
            (d, ct) => host.AskAsync(d.ActorId, d.Command, d.CommandId, d.Metadata, ct),
            streams: s => s.StartsWith("branch-", StringComparison.Ordinal));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = dispatcher.RunAsync(cts.Token);

        await dispatcher.WaitForAsync(head, cts.Token);
        var lastAward = await _sqlite.Store.ReadHeadPositionAsync();
        await dispatcher.WaitForAsync(lastAward, cts.Token);

        Assert.True(lastAward > head);
        Assert.Equal(ExpectedTotals(40, 10), await TotalsFromStreams());
        Assert.Equal(40 * 10, dispatcher.Delivered);
        await cts.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task waiting_for_a_position_scored_before_a_restart_completes_without_new_events()
    {
        // Regression (found by the benchmarks, #7): a wait asked before a restarted dispatcher loaded its
        // checkpoint stayed pending when the checkpoint had already passed it and no new event came.
        var head = await RecordFacts(10, 5);
        await using (var host = await TallyHosts.StartAsync(_store, _serializer))
            await RunUntil(NewDispatcher(host), head);

        await using var again = await TallyHosts.StartAsync(_store, _serializer);
        var restarted = NewDispatcher(again);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var waiting = restarted.WaitForAsync(head, cts.Token);
        Assert.False(waiting.IsCompleted); // nothing loaded yet: the dispatcher does not know the checkpoint
        var run = restarted.RunAsync(cts.Token);

        await waiting;
        Assert.True(restarted.CompletedUpTo >= head);
        await cts.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task a_full_replay_from_the_start_awards_nothing_twice()
    {
        var head = await RecordFacts(30, 8);
        await using (var host = await TallyHosts.StartAsync(_store, _serializer))
            await RunUntil(NewDispatcher(host), head);
        var positionsBefore = await _sqlite.Store.ReadHeadPositionAsync();

        // Forget the checkpoint and run again in a fresh host, as after losing the dispatcher's state.
        await using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_sqlite.Path}"))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "DELETE FROM checkpoints";
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        await using (var again = await TallyHosts.StartAsync(_store, _serializer))
            await RunUntil(NewDispatcher(again), head);

        Assert.Equal(positionsBefore, await _sqlite.Store.ReadHeadPositionAsync()); // nothing new written
        Assert.Equal(ExpectedTotals(30, 8), await TotalsFromStreams());
    }

    [Fact]
    public async Task a_failing_store_delays_deliveries_but_loses_none()
    {
        var head = await RecordFacts(20, 10);
        await using var host = await TallyHosts.StartAsync(_store, _serializer);
        var dispatcher = NewDispatcher(host, new DispatcherOptions { RetryBackoff = TimeSpan.FromMilliseconds(5) });
        _store.FailNextAppends(15);

        await RunUntil(dispatcher, head);

        Assert.True(dispatcher.Retries >= 15, $"expected retries after injected failures, saw {dispatcher.Retries}");
        Assert.Equal(ExpectedTotals(20, 10), await TotalsFromStreams());
    }

    [Fact]
    public async Task waiting_for_a_position_returns_only_after_its_awards_are_persisted()
    {
        await using var host = await TallyHosts.StartAsync(_store, _serializer);
        var dispatcher = NewDispatcher(host);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = dispatcher.RunAsync(cts.Token);

        var head = await RecordFacts(1, 5);
        await dispatcher.WaitForAsync(head, cts.Token);

        Assert.Equal(1, (await TotalsFromStreams())["m0"]);
        await cts.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
    }

    // People recording and scoring share the cores: while recorded appends keep coming, scoring keeps only a
    // few deliveries in flight, so a secretary's request is not queued behind thousands of decisions (#7).

    /// Deliveries that wait for the test, counting how many are in flight at once.
    private sealed class HeldDeliveries
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _most;

        public int Most => Volatile.Read(ref _most);
        public void Open() => _open.TrySetResult();

        public async Task DeliverAsync(Delivery<TallyCommand> d, CancellationToken ct)
        {
            var now = Interlocked.Increment(ref _inFlight);
            int most;
            while (now > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, most) != most) { }
            try { await _open.Task.WaitAsync(ct); }
            finally { Interlocked.Decrement(ref _inFlight); }
        }

        public async Task UntilMostIs(int count)
        {
            for (var waited = 0; Most < count && waited < 10_000; waited += 10) await Task.Delay(10);
        }
    }

    // Full width below the 25 members: with at most one delivery in flight per member (#17), 25 is the most
    // that can be under way at once however wide the dispatcher is.
    private static readonly DispatcherOptions Narrowing = new() { MaxInFlight = 20, MaxInFlightWhileRecording = 8, RecordingWindow = TimeSpan.FromMinutes(5) };

    private Dispatcher<TallyCommand> HeldDispatcher(HeldDeliveries held, DispatcherOptions options, TimeProvider? clock = null) =>
        new(_sqlite.Store, new SqliteCheckpointStore(_sqlite.Store), "scoring", Route, held.DeliverAsync, options, clock);

    [Fact]
    public async Task scoring_a_backlog_while_nobody_records_takes_its_full_width()
    {
        var head = await RecordFacts(10, 25);
        var held = new HeldDeliveries();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var dispatcher = HeldDispatcher(held, Narrowing);
        var run = dispatcher.RunAsync(cts.Token);

        await held.UntilMostIs(20);
        Assert.Equal(20, held.Most);
        await OpenAndFinish(held, dispatcher, head, run, cts);
    }

    /// Lets the held deliveries through, checks none was lost, and stops the run.
    private static async Task OpenAndFinish(HeldDeliveries held, Dispatcher<TallyCommand> dispatcher, LogPosition head, Task run, CancellationTokenSource cts)
    {
        held.Open();
        await dispatcher.WaitForAsync(head, cts.Token);
        Assert.Equal(250, dispatcher.Delivered);
        await cts.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
    }

    [Fact]
    public async Task while_people_record_scoring_keeps_only_a_few_deliveries_in_flight_and_loses_none()
    {
        var held = new HeldDeliveries();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var dispatcher = HeldDispatcher(held, Narrowing);
        var run = dispatcher.RunAsync(cts.Token);

        var head = await RecordFacts(10, 25);
        await held.UntilMostIs(8);
        await Task.Delay(300); // ample time to post far more than 8 if nothing held it back
        Assert.Equal(8, held.Most);
        await OpenAndFinish(held, dispatcher, head, run, cts);
    }

    [Fact]
    public async Task once_recording_pauses_for_the_window_scoring_widens_again()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var early = new HeldDeliveries();
        var later = new HeldDeliveries();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = Narrowing with { RecordingWindow = TimeSpan.FromSeconds(1) };
        var dispatcher = new Dispatcher<TallyCommand>(_sqlite.Store, new SqliteCheckpointStore(_sqlite.Store), "scoring", Route,
            (d, ct) => d.Command is Add { Amount: 0 } ? later.DeliverAsync(d, ct) : early.DeliverAsync(d, ct), options, clock);
        var run = dispatcher.RunAsync(cts.Token);

        early.Open();
        await dispatcher.WaitForAsync(await RecordFacts(1, 25), cts.Token); // recorded: narrow
        clock.Advance(TimeSpan.FromSeconds(2));
        // Facts that reach the log without people recording (the recorded count does not move).
        AppendResult last = null!;
        for (var i = 0; i < 10; i++)
            last = await _sqlite.Store.AppendToStreamAsync(new StreamName("branch-0"), ExpectedRevision.Any,
                [_serializer.ToEventData(Guid.NewGuid(), new GroupFact($"quiet-{i}", 0, [.. Enumerable.Range(0, 25).Select(m => $"m{m}")]), TallyDomain.Metadata)],
                AppendLane.Derived);

        await later.UntilMostIs(20);
        Assert.Equal(20, later.Most);
        Assert.InRange(early.Most, 1, 8);
        later.Open();
        await dispatcher.WaitForAsync(last.LastPosition!.Value, cts.Token);
        await cts.CancelAsync();
        try { await run; } catch (OperationCanceledException) { }
    }
}
