namespace PointsEngine.Store.Tests.Contract;

// Appends are idempotent by event id: a faithful retry succeeds without duplicates; anything else that
// reuses committed ids is refused.
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task resending_a_committed_batch_succeeds_with_the_original_result_and_writes_nothing()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(3);
        var original = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);
        var logBefore = Ids(await ReadAll(store));

        // When
        var retry = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);

        // Then
        Assert.True(retry.AlreadyCommitted);
        Assert.Equal(original.NextExpectedRevision, retry.NextExpectedRevision);
        Assert.Equal(original.LastPosition, retry.LastPosition);
        await AssertNothingWritten(store, logBefore, MemberA, 3);
    }

    [Theory]
    [InlineData("no-stream")]
    [InlineData("exact-as-originally")]
    [InlineData("exact-wrong")]
    [InlineData("any")]
    public async Task resending_a_committed_batch_after_the_stream_moved_on_still_returns_the_original_result(string expectation)
    {
        // Given
        var store = await StoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));
        var batch = NewEvents(2);
        var original = await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(0), batch);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(2), NewEvents(2));
        var logBefore = Ids(await ReadAll(store));
        var expected = expectation switch
        {
            "no-stream" => ExpectedRevision.NoStream,
            "exact-as-originally" => ExpectedRevision.Exact(0),
            "exact-wrong" => ExpectedRevision.Exact(9),
            _ => ExpectedRevision.Any,
        };

        // When
        var retry = await store.AppendToStreamAsync(MemberA, expected, batch);

        // Then
        Assert.True(retry.AlreadyCommitted);
        Assert.Equal(new StreamRevision(2), retry.NextExpectedRevision);
        Assert.Equal(original.LastPosition, retry.LastPosition);
        await AssertNothingWritten(store, logBefore, MemberA, 5);
    }

    [Fact]
    public async Task resending_the_tail_of_a_committed_batch_is_a_retry_of_those_events()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(3);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);
        var stored = await ReadStream(store, MemberA);
        var logBefore = Ids(await ReadAll(store));

        // When
        var retry = await store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, batch[1..2]);

        // Then
        Assert.True(retry.AlreadyCommitted);
        Assert.Equal(new StreamRevision(1), retry.NextExpectedRevision);
        Assert.Equal(stored[1].Position, retry.LastPosition);
        await AssertNothingWritten(store, logBefore, MemberA, 3);
    }

    [Fact]
    public async Task a_partly_committed_batch_is_refused_and_its_new_events_are_not_written()
    {
        // Given
        var store = await StoreAsync();
        var committed = NewEvents(2);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, committed);
        var logBefore = Ids(await ReadAll(store));
        var fresh = NewEvent();

        // When
        var error = await Assert.ThrowsAsync<EventIdConflictException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, [.. committed, fresh]));

        // Then
        Assert.Equal(MemberA, error.Stream);
        Assert.Subset(Ids(committed).ToHashSet(), error.ConflictingIds.ToHashSet());
        Assert.DoesNotContain(fresh.EventId, error.ConflictingIds);
        await AssertNothingWritten(store, logBefore, MemberA, 2);
    }

    [Fact]
    public async Task a_batch_with_a_new_event_before_a_committed_one_is_refused()
    {
        // Given
        var store = await StoreAsync();
        var committed = NewEvent();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, [committed]);
        var logBefore = Ids(await ReadAll(store));

        // When
        await Assert.ThrowsAsync<EventIdConflictException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(0), [NewEvent(), committed]));

        // Then
        await AssertNothingWritten(store, logBefore, MemberA, 1);
    }

    [Fact]
    public async Task an_event_id_committed_in_another_stream_is_refused()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(2);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);
        var logBefore = Ids(await ReadAll(store));

        // When
        var error = await Assert.ThrowsAsync<EventIdConflictException>(
            () => store.AppendToStreamAsync(MemberB, ExpectedRevision.Any, batch));

        // Then
        Assert.Equal(MemberB, error.Stream);
        await AssertNothingWritten(store, logBefore, MemberB, 0);
        Assert.Equal(2, (await ReadStream(store, MemberA)).Count);
    }

    [Fact]
    public async Task a_committed_batch_resent_in_another_order_is_refused()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(3);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);
        var logBefore = Ids(await ReadAll(store));

        // When
        await Assert.ThrowsAsync<EventIdConflictException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, [batch[2], batch[1], batch[0]]));

        // Then
        await AssertNothingWritten(store, logBefore, MemberA, 3);
    }

    [Fact]
    public async Task a_batch_naming_one_event_id_twice_is_an_argument_error_and_writes_nothing()
    {
        // Given
        var store = await StoreAsync();
        var e = NewEvent();
        var twin = new EventData(e.EventId, "V1.Other", "{}", Meta());

        // When
        await Assert.ThrowsAsync<ArgumentException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, [e, NewEvent(), twin]));

        // Then
        Assert.Empty(await ReadAll(store));
        Assert.Null(await store.ReadStreamRevisionAsync(MemberA));
    }

    [Fact]
    public async Task a_retry_after_giving_up_on_an_append_stores_the_batch_exactly_once()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(3);
        using var giveUp = new CancellationTokenSource();
        var abandoned = store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch, giveUp.Token);
        await giveUp.CancelAsync();
        try
        {
            await abandoned;
        }
        catch (OperationCanceledException)
        {
            // Giving up on the wait does not withdraw the append: it may or may not have been committed.
        }

        // When
        var retry = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);

        // Then
        Assert.Equal(new StreamRevision(2), retry.NextExpectedRevision);
        Assert.Equal(Ids(batch), Ids(await ReadAll(store)));
        Assert.Equal(retry.LastPosition, (await ReadAll(store))[^1].Position);
    }
}
