namespace PointsEngine.Store.Tests.Contract;

// Many writers at once while a subscription follows the log: nothing acknowledged is skipped,
// duplicated or reordered, and every stream stays contiguous.
public abstract partial class EventStoreContract
{
    private const int Writers = 16;
    private const int EventsPerWriter = 1_000;
    private const int SharedStreams = 4;
    private static readonly TimeSpan ConcurrencyTimeout = TimeSpan.FromSeconds(120);

    private sealed record Acknowledged(StreamName Stream, EventData[] Events, AppendResult Result);

    [Fact]
    public async Task a_subscription_sees_every_acknowledged_event_once_in_order_while_many_writers_append()
    {
        var store = await StoreAsync();
        using var timeout = new CancellationTokenSource(ConcurrencyTimeout);
        var seen = new List<RecordedEvent>();
        using var stopSubscription = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var subscriber = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in store.SubscribeToAllAsync(LogPosition.Start, stopSubscription.Token))
                    lock (seen) seen.Add(e);
            }
            catch (OperationCanceledException) when (stopSubscription.IsCancellationRequested)
            {
                // Stopped by the test.
            }
        });

        var seed = Environment.TickCount;
        var writers = Enumerable.Range(0, Writers)
            .Select(w => Task.Run(() => WriteAsync(store, w, new Random(seed + w), timeout.Token)))
            .ToArray();
        var acknowledged = (await Task.WhenAll(writers).WaitAsync(timeout.Token)).SelectMany(a => a).ToList();

        var total = acknowledged.Sum(a => a.Events.Length);
        while (Count() < total && !timeout.IsCancellationRequested && !subscriber.IsCompleted)
            await Task.Delay(50);
        // Anything delivered twice would come after the last new event: give it a moment to show.
        await Task.Delay(300);
        await stopSubscription.CancelAsync();
        await subscriber.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(timeout.IsCancellationRequested, $"timed out after {ConcurrencyTimeout} (seed {seed}, {Count()} of {total} seen)");

        Assert.Equal(Writers * EventsPerWriter, total);
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Select(e => e.EventId).Distinct().Count());
        AssertStrictlyIncreasing(seen);
        Assert.Equal(acknowledged.SelectMany(a => Ids(a.Events)).ToHashSet(), seen.Select(e => e.EventId).ToHashSet());
        foreach (var stream in seen.GroupBy(e => e.Stream))
            Assert.Equal(Enumerable.Range(0, stream.Count()).Select(r => (long)r), stream.Select(e => e.Revision.Value));

        var byId = seen.ToDictionary(e => e.EventId);
        foreach (var ack in acknowledged)
        {
            var events = ack.Events.Select(e => byId[e.EventId]).ToArray();
            Assert.All(events, e => Assert.Equal(ack.Stream, e.Stream));
            // A batch is atomic: consecutive revisions, and no other event of its stream in between.
            Assert.Equal(Enumerable.Range(0, events.Length).Select(k => events[0].Revision.Value + k), events.Select(e => e.Revision.Value));
            Assert.Equal(events[^1].Revision, ack.Result.NextExpectedRevision);
            Assert.Equal(events[^1].Position, ack.Result.LastPosition);
        }
        Assert.Equal(Ids(seen), Ids(await ReadAll(store)));

        int Count()
        {
            lock (seen) return seen.Count;
        }
    }

    // Shared streams take ExpectedRevision.Any from several writers; each writer's private stream takes
    // the exact revision it last wrote, so it must never be refused.
    private static async Task<List<Acknowledged>> WriteAsync(IEventStore store, int writer, Random random, CancellationToken ct)
    {
        var acknowledged = new List<Acknowledged>();
        var own = new StreamName($"member-w{writer}");
        var ownExpected = ExpectedRevision.NoStream;
        var written = 0;
        while (written < EventsPerWriter)
        {
            var batch = NewEvents(Math.Min(random.Next(1, 6), EventsPerWriter - written));
            var shared = random.Next(2) == 0;
            var stream = shared ? new StreamName($"branch-{random.Next(SharedStreams)}") : own;
            var result = await store.AppendToStreamAsync(stream, shared ? ExpectedRevision.Any : ownExpected, batch, ct);
            if (!shared) ownExpected = result.NextExpected;
            acknowledged.Add(new Acknowledged(stream, batch, result));
            written += batch.Length;
            switch (random.Next(4))
            {
                case 0: await Task.Delay(1, ct); break;
                case 1: await Task.Yield(); break;
            }
        }
        return acknowledged;
    }
}
