using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Postgres;

// The PostgreSQL store decides a whole batch from one read. These appends are queued while the writer is
// held in its previous commit, so they are certain to share the next one.
[Collection(PostgresFixture.Collection)]
public sealed class when_one_group_commit_carries_dependent_appends(PostgresFixture pg)
{
    private static readonly StreamName Holder = new("holder-1");
    private static readonly StreamName Member = new("member-1");
    private static readonly StreamName Other = new("member-2");

    [Fact]
    public async Task a_later_append_sees_the_revisions_an_earlier_one_writes()
    {
        // Given a store whose writer is held in a commit
        var db = await pg.CreateDatabaseAsync("dependent");
        var held = new HeldCommit();
        await using var store = await OpenAsync(db, held.BeforeCommitAsync);
        held.Arm();
        var holding = store.AppendToStreamAsync(Holder, ExpectedRevision.NoStream, [NewEvent()]);
        await held.Entered.WaitAsync(Patience);

        // When three appends to one stream queue up behind it: a new stream, one expecting what the first
        // writes, and one expecting no stream
        EventData[] first = [NewEvent(), NewEvent()];
        EventData[] second = [NewEvent()];
        var writeFirst = store.AppendToStreamAsync(Member, ExpectedRevision.NoStream, first);
        var writeSecond = store.AppendToStreamAsync(Member, ExpectedRevision.Exact(1), second);
        var writeStale = store.AppendToStreamAsync(Member, ExpectedRevision.NoStream, [NewEvent()]);
        held.Release();
        await holding.WaitAsync(Patience);

        // Then the second follows the first, and the stale one is refused with the revision the batch reached
        var firstResult = await writeFirst.WaitAsync(Patience);
        var secondResult = await writeSecond.WaitAsync(Patience);
        var refused = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => writeStale.WaitAsync(Patience));
        Assert.Equal(new StreamRevision(1), firstResult.NextExpectedRevision);
        Assert.Equal(new StreamRevision(2), secondResult.NextExpectedRevision);
        Assert.Equal(new StreamRevision(2), refused.ActualRevision);
        var stored = await store.ReadStreamAsync(Member, StreamRevision.Start).ToListAsync();
        Assert.Equal(first.Concat(second).Select(e => e.EventId), stored.Select(e => e.EventId));
        Assert.Equal(stored[1].Position, firstResult.LastPosition);
        Assert.Equal(stored[2].Position, secondResult.LastPosition);
    }

    [Fact]
    public async Task the_same_append_twice_is_written_once_and_every_caller_succeeds()
    {
        // Given a store whose writer is held in a commit
        var db = await pg.CreateDatabaseAsync("twice_in_batch");
        var held = new HeldCommit();
        await using var store = await OpenAsync(db, held.BeforeCommitAsync);
        held.Arm();
        var holding = store.AppendToStreamAsync(Holder, ExpectedRevision.NoStream, [NewEvent()]);
        await held.Entered.WaitAsync(Patience);

        // When the same batch queues up twice behind it, beside an unrelated append
        EventData[] batch = [NewEvent(), NewEvent()];
        var once = store.AppendToStreamAsync(Member, ExpectedRevision.NoStream, batch);
        var unrelated = store.AppendToStreamAsync(Other, ExpectedRevision.NoStream, [NewEvent()]);
        var twice = store.AppendToStreamAsync(Member, ExpectedRevision.NoStream, batch);
        held.Release();
        await holding.WaitAsync(Patience);

        // Then the batch is stored once, the second copy reports the first's place, and the unrelated
        // append is written too
        var results = new[] { await once.WaitAsync(Patience), await twice.WaitAsync(Patience) };
        Assert.False(results[0].AlreadyCommitted);
        Assert.True(results[1].AlreadyCommitted);
        Assert.Equal(results[0].LastPosition, results[1].LastPosition);
        Assert.Equal(new StreamRevision(0), (await unrelated.WaitAsync(Patience)).NextExpectedRevision);
        Assert.Equal(batch.Select(e => e.EventId),
            (await store.ReadStreamAsync(Member, StreamRevision.Start).ToListAsync()).Select(e => e.EventId));
        Assert.Equal(4, (await store.ReadAllAsync(LogPosition.Start).ToListAsync()).Count);
    }
}
