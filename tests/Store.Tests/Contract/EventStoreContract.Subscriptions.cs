using System.Threading.Channels;

namespace PointsEngine.Store.Tests.Contract;

// Catch-up subscriptions: the log from a checkpoint, then live appends, in position order.
public abstract partial class EventStoreContract
{
    private static readonly TimeSpan SubscriptionPatience = TimeSpan.FromSeconds(20);

    /// Runs a subscription in the background, handing its events over a channel.
    protected sealed class Subscription : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Channel<RecordedEvent> _events = Channel.CreateUnbounded<RecordedEvent>();
        private readonly Task _pump;

        public Subscription(IEventStore store, LogPosition after) =>
            _pump = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in store.SubscribeToAllAsync(after, _stop.Token))
                        await _events.Writer.WriteAsync(e);
                    _events.Writer.TryComplete();
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    _events.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    _events.Writer.TryComplete(e);
                }
            });

        public async Task<List<RecordedEvent>> Take(int count)
        {
            using var timeout = new CancellationTokenSource(SubscriptionPatience);
            var taken = new List<RecordedEvent>();
            while (taken.Count < count)
                taken.Add(await _events.Reader.ReadAsync(timeout.Token));
            return taken;
        }

        /// Whatever arrives within <paramref name="wait"/>: used to show nothing extra was delivered.
        public async Task<List<RecordedEvent>> Drain(TimeSpan wait)
        {
            using var timeout = new CancellationTokenSource(wait);
            var taken = new List<RecordedEvent>();
            try
            {
                while (true) taken.Add(await _events.Reader.ReadAsync(timeout.Token));
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return taken;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _pump;
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task a_subscription_from_the_start_delivers_existing_then_live_events_in_position_order()
    {
        // Given
        var store = await StoreAsync();
        var existing = NewEvents(3);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, existing[..2]);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.NoStream, existing[2..]);
        await using var subscription = new Subscription(store, LogPosition.Start);

        // When
        var caughtUp = await subscription.Take(3);
        var live = NewEvents(4);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(1), live[..3]);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.Exact(0), live[3..]);
        var followed = await subscription.Take(4);

        // Then
        Assert.Equal(Ids(existing), Ids(caughtUp));
        Assert.Equal(Ids(live), Ids(followed));
        AssertStrictlyIncreasing([.. caughtUp, .. followed]);
        Assert.Empty(await subscription.Drain(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task a_subscription_from_a_checkpoint_delivers_only_events_after_it()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(5));
        var log = await ReadAll(store);
        var checkpoint = log[2].Position;
        await using var subscription = new Subscription(store, checkpoint);

        // When
        var caughtUp = await subscription.Take(2);
        var live = NewEvents(2);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.Any, live);
        var followed = await subscription.Take(2);

        // Then
        Assert.Equal(Ids(log.Skip(3)), Ids(caughtUp));
        Assert.Equal(Ids(live), Ids(followed));
        Assert.All(caughtUp.Concat(followed), e => Assert.True(e.Position > checkpoint));
        Assert.Empty(await subscription.Drain(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task a_subscription_from_the_head_delivers_only_live_events()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(3));
        await using var subscription = new Subscription(store, await store.ReadHeadPositionAsync());

        // When
        var live = NewEvent();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(2), [live]);

        // Then
        Assert.Equal([live.EventId], Ids(await subscription.Take(1)));
    }

    [Fact]
    public async Task a_subscription_does_not_deliver_refused_appends()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));
        await using var subscription = new Subscription(store, LogPosition.Start);
        await subscription.Take(1);

        // When
        await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2)));
        var accepted = NewEvent();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(0), [accepted]);

        // Then
        Assert.Equal([accepted.EventId], Ids(await subscription.Take(1)));
        Assert.Empty(await subscription.Drain(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task a_subscription_catches_up_across_many_pages_of_existing_events()
    {
        // Given
        var store = await StoreAsync();
        // More than one page of the default subscription page size (2,000), in batches of several sizes.
        var existing = NewEvents(5_003);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, existing[..4_000]);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.NoStream, existing[4_000..]);
        await using var subscription = new Subscription(store, LogPosition.Start);

        // When
        var caughtUp = await subscription.Take(existing.Length);
        var live = NewEvent();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(3_999), [live]);

        // Then
        Assert.Equal(Ids(existing), Ids(caughtUp));
        AssertStrictlyIncreasing(caughtUp);
        Assert.Equal([live.EventId], Ids(await subscription.Take(1)));
    }
}
