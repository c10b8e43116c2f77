namespace PointsEngine.Store.Tests.Contract;

// Several store instances on the same data, as several engine processes (or the API beside a command
// line import) would have: one log, one set of revisions, one idempotency check.
public abstract partial class EventStoreContract
{
    /// A second store on the same data as <paramref name="store"/> (made by <see cref="CreateStoreAsync"/>),
    /// disposed by the caller.
    protected abstract Task<IEventStore> OpenOnSameDataAsync(IEventStore store);

    private async Task<IEventStore> SecondStoreAsync(IEventStore store)
    {
        var second = await OpenOnSameDataAsync(store);
        lock (_stores) _stores.Add(second);
        return second;
    }

    [Fact]
    public async Task a_batch_committed_through_one_store_is_a_retry_through_another_on_the_same_data()
    {
        // Given
        var first = await StoreAsync();
        var second = await SecondStoreAsync(first);
        var batch = NewEvents(2);
        var original = await first.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);

        // When
        var retry = await second.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);

        // Then
        Assert.True(retry.AlreadyCommitted);
        Assert.Equal(original.LastPosition, retry.LastPosition);
        Assert.Equal(Ids(batch), Ids(await ReadAll(second)));
    }

    [Fact]
    public async Task the_expected_revision_is_checked_against_appends_made_through_another_store()
    {
        // Given
        var first = await StoreAsync();
        var second = await SecondStoreAsync(first);
        await first.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When
        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => second.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1)));

        // Then
        Assert.Equal(new StreamRevision(1), error.ActualRevision);
        var accepted = await second.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(1), NewEvents(1));
        Assert.Equal(new StreamRevision(2), accepted.NextExpectedRevision);
    }

    [Fact]
    public async Task writers_on_two_stores_share_one_ordered_log_that_a_subscription_on_either_follows()
    {
        // Given
        var first = await StoreAsync();
        var second = await SecondStoreAsync(first);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var subscription = new Subscription(first, LogPosition.Start);

        // When both stores race for the same streams: Any always lands, Exact on a shared stream may be refused
        var writers = new[] { first, second, first, second }.Select((store, w) => Task.Run(async () =>
        {
            var random = new Random(w);
            var acknowledged = new List<EventData>();
            for (var i = 0; i < 60; i++)
            {
                var stream = new StreamName($"branch-{random.Next(3)}");
                var batch = NewEvents(random.Next(1, 4));
                var expected = random.Next(2) == 0
                    ? ExpectedRevision.Any
                    : await store.ReadStreamRevisionAsync(stream, timeout.Token) is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream;
                try
                {
                    await store.AppendToStreamAsync(stream, expected, batch, timeout.Token);
                    acknowledged.AddRange(batch);
                }
                catch (WrongExpectedRevisionException)
                {
                    // Lost a race to the other writers: fine, as long as nothing of the batch is stored.
                }
            }
            return acknowledged;
        })).ToArray();
        var acknowledged = (await Task.WhenAll(writers).WaitAsync(timeout.Token)).SelectMany(a => a).ToList();

        // Then
        var seen = await subscription.Take(acknowledged.Count);
        Assert.Empty(await subscription.Drain(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(Ids(acknowledged).ToHashSet(), Ids(seen).ToHashSet());
        Assert.Equal(seen.Count, Ids(seen).Distinct().Count());
        AssertStrictlyIncreasing(seen);
        foreach (var stream in seen.GroupBy(e => e.Stream))
            Assert.Equal(Enumerable.Range(0, stream.Count()).Select(r => (long)r), stream.Select(e => e.Revision.Value));
        Assert.Equal(Ids(seen), Ids(await ReadAll(second)));
    }
}
