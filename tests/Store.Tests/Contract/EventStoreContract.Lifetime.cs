namespace PointsEngine.Store.Tests.Contract;

// Disposal: what a host's shutdown path relies on.
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task disposing_a_store_twice_is_harmless()
    {
        // Given
        var store = await CreateStoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));

        // When
        await store.DisposeAsync();
        var second = await Record.ExceptionAsync(async () => await store.DisposeAsync());

        // Then
        Assert.Null(second);
    }

    [Fact]
    public async Task appending_to_a_disposed_store_is_refused_as_disposed()
    {
        // Given
        var store = await CreateStoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));
        await store.DisposeAsync();

        // When / Then
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, NewEvents(1)));
    }

    [Fact]
    public async Task events_appended_before_disposal_are_there_when_the_data_is_opened_again()
    {
        // Given
        var first = await StoreAsync();
        var batch = NewEvents(3);
        await first.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);
        var reopened = await SecondStoreAsync(first);
        await first.DisposeAsync();

        // When / Then
        Assert.Equal(Ids(batch), Ids(await ReadAll(reopened)));
        Assert.Equal(new StreamRevision(2), await reopened.ReadStreamRevisionAsync(MemberA));
    }

    [Fact]
    public async Task appends_in_flight_at_disposal_are_each_committed_or_failed_and_never_left_waiting()
    {
        // Given
        var store = await CreateStoreAsync();
        var batches = Enumerable.Range(0, 200).Select(i => (Stream: new StreamName($"member-{i % 7}"), Events: NewEvents(1 + i % 3))).ToArray();
        var appends = batches.Select(b => Task.Run(() => store.AppendToStreamAsync(b.Stream, ExpectedRevision.Any, b.Events))).ToArray();

        // When
        await store.DisposeAsync();
        await Task.WhenAll(appends.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));

        // Then
        var reopened = await SecondStoreAsync(store);
        var stored = Ids(await ReadAll(reopened)).ToHashSet();
        for (var i = 0; i < batches.Length; i++)
        {
            if (appends[i].IsCompletedSuccessfully)
                Assert.All(batches[i].Events, e => Assert.Contains(e.EventId, stored));
            else
                Assert.All(batches[i].Events, e => Assert.DoesNotContain(e.EventId, stored));
        }
    }
}
