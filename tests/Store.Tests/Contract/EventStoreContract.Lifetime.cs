namespace PointsEngine.Store.Tests.Contract;

// Disposal: what a host's shutdown path relies on.
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task disposing_a_store_twice_is_harmless()
    {
        var store = await CreateStoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));

        await store.DisposeAsync();
        var second = await Record.ExceptionAsync(async () => await store.DisposeAsync());

        Assert.Null(second);
    }

    [Fact]
    public async Task appending_to_a_disposed_store_is_refused_as_disposed()
    {
        var store = await CreateStoreAsync();
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1));
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => store.AppendToStreamAsync(MemberA, ExpectedRevision.Any, NewEvents(1)));
    }

    [Fact]
    public async Task events_appended_before_disposal_are_there_when_the_data_is_opened_again()
    {
        var first = await StoreAsync();
        var batch = NewEvents(3);
        await first.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch);
        var reopened = await SecondStoreAsync(first);
        await first.DisposeAsync();

        Assert.Equal(Ids(batch), Ids(await ReadAll(reopened)));
        Assert.Equal(new StreamRevision(2), await reopened.ReadStreamRevisionAsync(MemberA));
    }
}
