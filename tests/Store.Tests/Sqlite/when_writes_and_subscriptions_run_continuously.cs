using PointsEngine.Store.Sqlite;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Sqlite;

/// #7: under continuous load the WAL grew to 4–8.7 GB beside a 424 MB database and once filled the disk.
/// SQLite's automatic checkpoints are PASSIVE: they copy what no reader still needs back into the database,
/// but the WAL restarts from its beginning only when no reader holds a snapshot in it — and subscriptions,
/// projections and queries overlap all the time, so without help it never does.
public sealed class when_writes_and_subscriptions_run_continuously : IAsyncLifetime
{
    private const int Writers = 4;
    private const int EventsPerAppend = 10;
    private const long Written = 32L << 20; // bytes of event data the test appends
    private const long Threshold = 2L << 20;

    private TempSqlite _db = null!;

    public async Task InitializeAsync() => _db = await TempSqlite.OpenAsync(o => o with
    {
        Durability = SqliteDurability.Normal,
        WalCheckpointThreshold = Threshold,
    });

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static readonly string Payload = $$"""{"pad":"{{new string('x', 1_000)}}"}""";

    private static EventData NewEvent() =>
        new(Guid.NewGuid(), "V1.Padded", Payload, new EventMetadata(DateTimeOffset.UnixEpoch, "test"));

    private sealed record Run(long LargestWal, List<LogPosition>[] Seen, List<LogPosition> Log);

    /// Writers append until <see cref="Written"/> bytes are in; meanwhile two subscriptions follow the log
    /// (their consumers pause now and then, as the dispatcher does when actors push back) and three query
    /// loops keep reads open a moment each, so that some reader is always in the WAL, as the API's queries
    /// are under load; a sampler records the largest WAL file seen.
    /// The subscriptions then catch up with the head.
    private async Task<Run> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        using var caughtUp = new CancellationTokenSource();
        var head = new TaskCompletionSource<LogPosition>(TaskCreationOptions.RunContinuationsAsynchronously);
        var largestWal = 0L;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var wal = new FileInfo(_db.Path + "-wal");
                if (wal.Exists) largestWal = Math.Max(largestWal, wal.Length);
                await Task.Delay(2);
            }
        });
        var queries = Enumerable.Range(0, 3).Select(q => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await foreach (var _ in _db.Store.ReadStreamAsync(new StreamName($"member-{q}"), StreamRevision.Start, 10))
                {
                    await Task.Delay(5); // a query still reading: its snapshot stays in the WAL meanwhile
                    break;
                }
            }
        })).ToArray();
        var subscribers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var seen = new List<LogPosition>();
            try
            {
                await foreach (var e in _db.Store.SubscribeToAllAsync(LogPosition.Start, caughtUp.Token))
                {
                    seen.Add(e.Position);
                    if (seen.Count % 20 == 0) await Task.Delay(1);
                    if (head.Task.IsCompleted && e.Position >= head.Task.Result) break;
                }
            }
            catch (OperationCanceledException) { } // did not catch up in time: the assertions on `seen` fail
            return seen;
        })).ToArray();

        var appended = 0L;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var stream = new StreamName($"member-{w}");
            while (Interlocked.Add(ref appended, EventsPerAppend * Payload.Length) < Written)
                await _db.Store.AppendToStreamAsync(stream, ExpectedRevision.Any,
                    Enumerable.Range(0, EventsPerAppend).Select(_ => NewEvent()).ToArray());
        })));
        head.SetResult(await _db.Store.ReadHeadPositionAsync());
        await _db.Store.AppendToStreamAsync(new StreamName("member-last"), ExpectedRevision.Any, [NewEvent()]); // wakes the followers
        caughtUp.CancelAfter(TimeSpan.FromMinutes(2));
        var seen = await Task.WhenAll(subscribers);
        stop.Cancel();
        await Task.WhenAll(queries);
        await sampler;

        var log = new List<LogPosition>();
        await foreach (var e in _db.Store.ReadAllAsync(LogPosition.Start)) log.Add(e.Position);
        return new Run(largestWal, seen, log);
    }

    [Fact]
    public async Task the_wal_stays_bounded()
    {
        var run = await RunAsync();

        // Without the writer's checkpoints it reached about ten times the data appended; the bound leaves
        // room for checkpoints that readers refused while the machine was busy.
        Assert.True(run.LargestWal < 8 * Threshold,
            $"the WAL reached {run.LargestWal >> 20} MB (threshold {Threshold >> 20} MB) while {Written >> 20} MB were appended");
    }

    [Fact]
    public async Task every_subscription_sees_every_event_once_in_order_across_the_checkpoints()
    {
        var run = await RunAsync();

        var upToHead = run.Log.Take(run.Log.Count - 1).ToList(); // the last event only woke the followers
        Assert.True(upToHead.Count > 20_000, $"only {upToHead.Count} events were appended");
        foreach (var seen in run.Seen)
            Assert.Equal(upToHead, seen.Take(upToHead.Count));
    }
}
