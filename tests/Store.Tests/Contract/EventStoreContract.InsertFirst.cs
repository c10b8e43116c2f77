using PointsEngine.Store.Chain;

namespace PointsEngine.Store.Tests.Contract;

// A backend may write a request whose expected revision holds straight away and let its unique indexes
// check the event ids (insert first, look up only on a conflict). Requests committed in one group, each
// with a conflict at a different place, must still each get the outcome the contract gives them alone,
// and a refused request leaves nothing behind, not even the rows it wrote before its conflicting one.
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task requests_committed_together_with_conflicting_ids_each_get_their_own_outcome_and_nothing_half_written()
    {
        // Given: member A holds a committed batch of two; member B holds one event.
        var store = await StoreAsync();
        var committedA = NewEvents(2);
        var originalA = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, committedA);
        var committedB = NewEvents(1);
        await store.AppendToStreamAsync(MemberB, ExpectedRevision.NoStream, committedB);
        var before = await ReadAll(store);

        // When: issued without waiting, so group commit takes them into as few transactions as it can.
        var newBeforeForeignId = NewEvent();      // B's new event first, then an id committed in A
        var newBeforeOwnId = NewEvent();          // A's new event first, then an id A already holds
        var fresh = NewEvents(2);
        var lastOne = NewEvents(1);
        var conflictElsewhere = store.AppendToStreamAsync(MemberB, ExpectedRevision.Exact(0), [newBeforeForeignId, committedA[0]]);
        var freshStream = store.AppendToStreamAsync(new StreamName("member-1003"), ExpectedRevision.NoStream, fresh);
        var partlyCommitted = store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(1), [newBeforeOwnId, committedA[1]]);
        var retryAtCurrent = store.AppendToStreamAsync(MemberA, ExpectedRevision.Exact(1), committedA);
        var retryAsOriginally = store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, committedA);
        var afterTheConflicts = store.AppendToStreamAsync(MemberB, ExpectedRevision.Exact(0), lastOne);
        await Task.WhenAll(new Task[] { conflictElsewhere, freshStream, partlyCommitted, retryAtCurrent, retryAsOriginally, afterTheConflicts }
            .Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        // Then: the conflicting requests are refused as conflicts …
        Assert.IsType<EventIdConflictException>(conflictElsewhere.Exception?.InnerException);
        Assert.IsType<EventIdConflictException>(partlyCommitted.Exception?.InnerException);
        // … the retries get the original result and write nothing …
        foreach (var retry in new[] { await retryAtCurrent, await retryAsOriginally })
        {
            Assert.True(retry.AlreadyCommitted);
            Assert.Equal(originalA.NextExpectedRevision, retry.NextExpectedRevision);
            Assert.Equal(originalA.LastPosition, retry.LastPosition);
        }
        // … and the others commit where the conflicts would have gone.
        var freshResult = await freshStream;
        Assert.False(freshResult.AlreadyCommitted);
        Assert.Equal(new StreamRevision(1), freshResult.NextExpectedRevision);
        var lastResult = await afterTheConflicts;
        Assert.Equal(new StreamRevision(1), lastResult.NextExpectedRevision);

        var log = await ReadAll(store);
        Assert.Equal(Ids(before).Concat(Ids(fresh)).Concat(Ids(lastOne)).Order(), Ids(log).Order());
        Assert.DoesNotContain(log, e => e.EventId == newBeforeForeignId.EventId || e.EventId == newBeforeOwnId.EventId);
        Assert.Equal(Ids(committedA), Ids(await ReadStream(store, MemberA)));
        Assert.Equal(Ids(committedB).Concat(Ids(lastOne)), Ids(await ReadStream(store, MemberB)));
        AssertStrictlyIncreasing(log);
        Assert.Equal(log[^1].Position, new[] { lastResult.LastPosition!.Value, freshResult.LastPosition!.Value }.Max());
        if (store is IChainVerifiable chained)
            Assert.True((await chained.VerifyChainAsync()).IsIntact, "the tamper-evidence chain skips no rolled-back row");
    }
}
