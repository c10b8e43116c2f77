namespace PointsEngine.Store.Tests.Contract;

// Streams, revisions and the expected-revision check (optimistic concurrency).
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task appending_to_a_new_stream_assigns_revision_zero()
    {
        // Given
        var store = await StoreAsync();
        var e = NewEvent();

        // When
        var result = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, [e]);

        // Then
        var stored = Assert.Single(await ReadStream(store, MemberA));
        Assert.Equal(e.EventId, stored.EventId);
        Assert.Equal(StreamRevision.Start, stored.Revision);
        Assert.Equal(new StreamRevision(0), result.NextExpectedRevision);
        Assert.Equal(stored.Position, result.LastPosition);
        Assert.False(result.AlreadyCommitted);
    }

    [Fact]
    public async Task appending_several_events_commits_them_together_with_consecutive_revisions()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(3);

        // When
        var result = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);

        // Then
        var stream = await ReadStream(store, MemberA);
        Assert.Equal(Ids(batch), Ids(stream));
        Assert.Equal([0L, 1L, 2L], stream.Select(e => e.Revision.Value));
        AssertStrictlyIncreasing(stream);
        Assert.Equal(Ids(batch), Ids(await ReadAll(store)));
        Assert.Equal(new StreamRevision(2), result.NextExpectedRevision);
        Assert.Equal(stream[^1].Position, result.LastPosition);
    }

    [Fact]
    public async Task a_later_append_continues_the_stream_after_its_last_revision()
    {
        // Given
        var store = await StoreAsync();
        var first = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When
        var second = await store.AppendToStreamAsync(MemberA, first.NextExpected, NewEvents(3));

        // Then
        Assert.Equal(new StreamRevision(4), second.NextExpectedRevision);
        Assert.Equal([0L, 1L, 2L, 3L, 4L], (await ReadStream(store, MemberA)).Select(e => e.Revision.Value));
        Assert.True(second.LastPosition > first.LastPosition);
    }

    [Fact]
    public async Task each_stream_counts_its_own_revisions_from_zero()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(3));

        // When
        var result = await store.AppendToStreamAsync(MemberB, ExpectedRevision.NoStream, NewEvents(1));

        // Then
        Assert.Equal(new StreamRevision(0), result.NextExpectedRevision);
        Assert.Equal(new StreamRevision(0), Assert.Single(await ReadStream(store, MemberB)).Revision);
        Assert.Equal(new StreamRevision(2), await store.ReadStreamRevisionAsync(MemberA));
    }

    [Fact]
    public async Task expected_any_appends_to_a_stream_that_does_not_exist()
    {
        // Given
        var store = await StoreAsync();

        // When
        var result = await store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, NewEvents(2));

        // Then
        Assert.Equal(new StreamRevision(1), result.NextExpectedRevision);
        Assert.Equal(2, (await ReadStream(store, MemberA)).Count);
    }

    [Fact]
    public async Task expected_any_appends_to_a_stream_with_events()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When
        var result = await store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, NewEvents(1));

        // Then
        Assert.Equal(new StreamRevision(2), result.NextExpectedRevision);
        Assert.Equal(3, (await ReadStream(store, MemberA)).Count);
    }

    [Fact]
    public async Task expected_no_stream_appends_to_a_stream_that_does_not_exist()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.NoStream, NewEvents(1));

        // When
        var result = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));

        // Then
        Assert.Equal(new StreamRevision(0), result.NextExpectedRevision);
    }

    [Fact]
    public async Task expected_no_stream_is_refused_when_the_stream_has_events_and_nothing_is_written()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));
        var logBefore = Ids(await ReadAll(store));
        var batch = NewEvents(3);

        // When
        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch));

        // Then
        Assert.Equal(new StreamRevision(1), error.ActualRevision);
        Assert.Equal(ExpectedRevision.NoStream, error.Expected);
        Assert.Equal(MemberA, error.Stream);
        await AssertNothingWritten(store, logBefore, MemberA, 2);
    }

    [Fact]
    public async Task expected_exact_appends_when_the_stream_is_at_that_revision()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When
        var result = await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(1), NewEvents(2));

        // Then
        Assert.Equal(new StreamRevision(3), result.NextExpectedRevision);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(7)]
    public async Task expected_exact_is_refused_when_the_stream_is_elsewhere_and_nothing_is_written(long expected)
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));
        var logBefore = Ids(await ReadAll(store));

        // When
        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(expected), NewEvents(3)));

        // Then
        Assert.Equal(new StreamRevision(1), error.ActualRevision);
        Assert.Equal(ExpectedRevision.Exact(expected), error.Expected);
        await AssertNothingWritten(store, logBefore, MemberA, 2);
    }

    [Fact]
    public async Task expected_exact_is_refused_on_a_stream_that_does_not_exist_with_no_actual_revision()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.NoStream, NewEvents(1));
        var logBefore = Ids(await ReadAll(store));

        // When
        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(0), NewEvents(2)));

        // Then
        Assert.Null(error.ActualRevision);
        await AssertNothingWritten(store, logBefore, MemberA, 0);
    }

    [Fact]
    public async Task an_empty_batch_writes_nothing_and_reports_the_current_revision()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));
        var logBefore = Ids(await ReadAll(store));

        // When
        var result = await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(1), []);

        // Then
        Assert.Equal(new StreamRevision(1), result.NextExpectedRevision);
        Assert.False(result.AlreadyCommitted);
        await AssertNothingWritten(store, logBefore, MemberA, 2);
    }

    [Fact]
    public async Task an_empty_batch_is_still_checked_against_the_expected_revision()
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(2));

        // When
        var error = await Assert.ThrowsAsync<WrongExpectedRevisionException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, []));

        // Then
        Assert.Equal(new StreamRevision(1), error.ActualRevision);
    }

    /// The refused append left the stream with <paramref name="streamCount"/> events and the global log as it was.
    protected static async Task AssertNothingWritten(IEventStore store, Guid[] logBefore, StreamName stream, int streamCount)
    {
        Assert.Equal(logBefore, Ids(await ReadAll(store)));
        Assert.Equal(streamCount, (await ReadStream(store, stream)).Count);
        Assert.Equal(streamCount == 0 ? null : new StreamRevision(streamCount - 1), await store.ReadStreamRevisionAsync(stream));
    }
}
