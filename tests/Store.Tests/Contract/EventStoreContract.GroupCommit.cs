namespace PointsEngine.Store.Tests.Contract;

// Many callers appending at once (group commit where the backend has it): each caller gets its own
// outcome, and a refused caller writes nothing even when committed in the same transaction as others.
public abstract partial class EventStoreContract
{
    [Fact]
    public async Task concurrent_appends_each_get_their_own_outcome_and_refused_ones_write_nothing()
    {
        var store = await StoreAsync();
        var streams = Enumerable.Range(0, 20).Select(i => new StreamName($"member-{i}")).ToArray();
        foreach (var s in streams)
            await store.AppendToStreamAsync(s, ExpectedRevision.NoStream, NewEvents(1));

        // Per stream: two racers expecting revision 0 (exactly one can win) and one that is wrong whatever
        // happens; beside them, appends to other streams that cannot be refused.
        var attempts = streams.SelectMany(s => new[]
        {
            (Stream: s, Expected: ExpectedRevision.Exact(0), Events: NewEvents(2)),
            (Stream: s, Expected: ExpectedRevision.Exact(0), Events: NewEvents(1)),
            (Stream: s, Expected: ExpectedRevision.NoStream, Events: NewEvents(3)),
            (Stream: new StreamName($"branch-{s.Value}"), Expected: ExpectedRevision.Any, Events: NewEvents(2)),
        }).ToArray();
        var tasks = attempts.Select(a => Task.Run(() => store.AppendToStreamAsync(a.Stream, a.Expected, a.Events))).ToArray();
        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

        var log = await ReadAll(store);
        var logged = log.ToDictionary(e => e.EventId);
        for (var i = 0; i < attempts.Length; i++)
        {
            var (stream, expected, events) = attempts[i];
            if (tasks[i].IsCompletedSuccessfully)
            {
                var result = await tasks[i];
                var stored = events.Select(e => logged[e.EventId]).ToArray();
                Assert.All(stored, e => Assert.Equal(stream, e.Stream));
                Assert.Equal(stored[^1].Revision, result.NextExpectedRevision);
                Assert.Equal(stored[^1].Position, result.LastPosition);
                Assert.Equal(
                    Enumerable.Range(0, stored.Length).Select(k => stored[0].Revision.Value + k),
                    stored.Select(e => e.Revision.Value));
            }
            else
            {
                var error = Assert.IsType<WrongExpectedRevisionException>(tasks[i].Exception?.InnerException);
                Assert.Equal(stream, error.Stream);
                Assert.NotNull(error.ActualRevision);
                Assert.NotEqual(ExpectedRevision.Any, expected);
                Assert.All(events, e => Assert.False(logged.ContainsKey(e.EventId)));
            }
        }

        Assert.All(attempts.Select((a, i) => (a, i)).Where(x => x.a.Expected.IsAny),
            x => Assert.True(tasks[x.i].IsCompletedSuccessfully));
        foreach (var s in streams)
        {
            var racers = Enumerable.Range(0, attempts.Length)
                .Where(i => attempts[i].Stream == s && attempts[i].Expected == ExpectedRevision.Exact(0)).ToArray();
            Assert.Single(racers, i => tasks[i].IsCompletedSuccessfully);
            Assert.False(tasks[Array.FindIndex(attempts, a => a.Stream == s && a.Expected == ExpectedRevision.NoStream)].IsCompletedSuccessfully);
            var revisions = (await ReadStream(store, s)).Select(e => e.Revision.Value).ToArray();
            Assert.Equal(Enumerable.Range(0, revisions.Length).Select(r => (long)r), revisions);
        }
        AssertStrictlyIncreasing(log);
    }

    [Fact]
    public async Task a_retry_racing_its_original_commits_the_batch_once_and_both_get_the_same_result()
    {
        // Given
        var store = await StoreAsync();
        var batch = NewEvents(3);

        // When
        var results = await Task.WhenAll(
            store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch),
            store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, batch));

        // Then
        Assert.Equal(Ids(batch), Ids(await ReadAll(store)));
        Assert.Single(results, r => r.AlreadyCommitted);
        Assert.All(results, r => Assert.Equal(new StreamRevision(2), r.NextExpectedRevision));
        Assert.Equal(results[0].LastPosition, results[1].LastPosition);
    }

    [Fact]
    public async Task appends_in_the_derived_lane_are_checked_idempotent_and_durable_like_recorded_ones()
    {
        // Given
        var store = await StoreAsync();
        var decision = NewEvents(2);
        await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, decision, AppendLane.Derived);

        // When
        var refused = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() =>
            store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, NewEvents(1), AppendLane.Derived));
        var retried = await store.AppendToStreamAsync(MemberA, ExpectedRevision.NoStream, decision, AppendLane.Derived);
        var both = Enumerable.Range(0, 100).Select(i => (Lane: i % 2 == 0 ? AppendLane.Derived : AppendLane.Recorded, Events: NewEvents(1))).ToArray();
        await Task.WhenAll(both.Select(a => store.AppendToStreamAsync(MemberB, ExpectedRevision.Any, a.Events, a.Lane)));

        // Then
        Assert.Equal(MemberA, refused.Stream);
        Assert.True(retried.AlreadyCommitted);
        var log = await ReadAll(store);
        Assert.Equal(Ids(decision).Concat(both.SelectMany(a => Ids(a.Events))).Order(), log.Select(e => e.EventId).Order());
        Assert.Equal(Enumerable.Range(0, 100).Select(r => (long)r), (await ReadStream(store, MemberB)).Select(e => e.Revision.Value));
        AssertStrictlyIncreasing(log);
    }
}
