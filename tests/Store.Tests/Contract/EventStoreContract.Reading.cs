namespace PointsEngine.Store.Tests.Contract;

// Reading one stream forward, the global log, a stream's revision and the head position.
public abstract partial class EventStoreContract
{
    /// A, B, A, B, A interleaved, so stream order and log order differ.
    private static async Task<(EventData[] A, EventData[] B)> AppendInterleaved(IEventStore store)
    {
        var a = NewEvents(3);
        var b = NewEvents(2);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, [a[0]]);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.Any, [b[0]]);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, [a[1]]);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.Any, [b[1]]);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, [a[2]]);
        return (a, b);
    }

    [Fact]
    public async Task reading_a_stream_returns_only_its_events_in_revision_order()
    {
        // Given
        var store = await StoreAsync();
        var (a, _) = await AppendInterleaved(store);

        // When
        var stream = await ReadStream(store, MemberA);

        // Then
        Assert.Equal(Ids(a), Ids(stream));
        Assert.All(stream, e => Assert.Equal(MemberA, e.Stream));
        Assert.Equal([0L, 1L, 2L], stream.Select(e => e.Revision.Value));
        AssertStrictlyIncreasing(stream);
    }

    [Fact]
    public async Task reading_a_stream_from_a_revision_starts_at_that_revision()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(5);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);

        // When
        var stream = await ReadStream(store, MemberA, from: 2);

        // Then
        Assert.Equal(Ids(batch[2..]), Ids(stream));
    }

    [Fact]
    public async Task reading_a_stream_with_a_max_count_returns_at_most_that_many_from_the_start_revision()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(5);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);

        // When
        var stream = await ReadStream(store, MemberA, from: 1, maxCount: 2);

        // Then
        Assert.Equal(Ids(batch[1..3]), Ids(stream));
    }

    [Fact]
    public async Task a_negative_max_count_is_refused_by_every_read()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When / Then: the same answer on every backend, not "everything" on one and a server error on another
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ReadStream(store, MemberA, from: 0, maxCount: -1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ReadAll(store, LogPosition.Start, maxCount: -1));
    }

    [Fact]
    public async Task reading_a_stream_from_past_its_end_returns_nothing()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When / Then
        Assert.Empty(await ReadStream(store, MemberA, from: 2));
    }

    [Fact]
    public async Task reading_a_stream_that_does_not_exist_returns_nothing()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When / Then
        Assert.Empty(await ReadStream(store, MemberB));
    }

    [Fact]
    public async Task reading_all_from_the_start_returns_every_event_in_commit_order()
    {
        // Given
        var store = await StoreAsync();
        var (a, b) = await AppendInterleaved(store);

        // When
        var all = await ReadAll(store);

        // Then
        Assert.Equal([a[0].EventId, b[0].EventId, a[1].EventId, b[1].EventId, a[2].EventId], Ids(all));
        Assert.Equal([0L, 0L, 1L, 1L, 2L], all.Select(e => e.Revision.Value));
        AssertStrictlyIncreasing(all);
        Assert.True(all[0].Position > LogPosition.Start);
    }

    [Fact]
    public async Task reading_all_after_a_position_excludes_the_event_at_that_position()
    {
        // Given
        var store = await StoreAsync();
        await AppendInterleaved(store);
        var all = await ReadAll(store);

        // When
        var after = await ReadAll(store, all[1].Position);

        // Then
        Assert.Equal(Ids(all.Skip(2)), Ids(after));
    }

    [Fact]
    public async Task reading_all_with_a_max_count_returns_at_most_that_many_after_the_position()
    {
        // Given
        var store = await StoreAsync();
        await AppendInterleaved(store);
        var all = await ReadAll(store);

        // When
        var page = await ReadAll(store, all[0].Position, maxCount: 2);

        // Then
        Assert.Equal(Ids(all.Skip(1).Take(2)), Ids(page));
    }

    [Fact]
    public async Task reading_all_after_the_last_position_returns_nothing()
    {
        // Given
        var store = await StoreAsync();
        await AppendInterleaved(store);
        var all = await ReadAll(store);

        // When / Then
        Assert.Empty(await ReadAll(store, all[^1].Position));
    }

    [Fact]
    public async Task the_revision_of_a_stream_that_does_not_exist_is_null()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));

        // When / Then
        Assert.Null(await store.ReadStreamRevisionAsync(MemberB));
    }

    [Fact]
    public async Task the_revision_of_a_stream_is_the_revision_of_its_last_event()
    {
        // Given
        var store = await StoreAsync();
        await AppendInterleaved(store);

        // When / Then
        Assert.Equal(new StreamRevision(2), await store.ReadStreamRevisionAsync(MemberA));
        Assert.Equal(new StreamRevision(1), await store.ReadStreamRevisionAsync(MemberB));
    }

    [Fact]
    public async Task the_head_of_an_empty_store_is_the_start()
    {
        // Given
        var store = await StoreAsync();

        // When / Then
        Assert.Equal(LogPosition.Start, await store.ReadHeadPositionAsync());
        Assert.Empty(await ReadAll(store));
    }

    [Fact]
    public async Task the_head_is_the_position_of_the_last_committed_event()
    {
        // Given
        var store = await StoreAsync();
        await AppendInterleaved(store);
        var last = await store.AppendToStreamAsync(MemberB, ExpectedRevision.Any, NewEvents(2));

        // When
        var head = await store.ReadHeadPositionAsync();

        // Then
        Assert.Equal(last.LastPosition, head);
        Assert.Equal((await ReadAll(store))[^1].Position, head);
    }
}
