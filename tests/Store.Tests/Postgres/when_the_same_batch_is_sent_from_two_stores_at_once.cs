using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Postgres;

[Collection(PostgresFixture.Collection)]
public sealed class when_the_same_batch_is_sent_from_two_stores_at_once(PostgresFixture pg)
{
    private const int Rounds = 30;

    [Fact]
    public async Task exactly_one_copy_is_committed_and_both_callers_succeed()
    {
        // Given two stores on one database
        var db = await pg.CreateDatabaseAsync("same_batch");
        await using var a = await OpenAsync(db);
        await using var b = await OpenAsync(db);

        for (var round = 0; round < Rounds; round++)
        {
            // When both send the same batch at the same moment (as a retrying client or a re-delivered
            // fact would), expecting a new stream or any revision
            var stream = new StreamName($"award-{round}");
            EventData[] batch = [NewEvent(), NewEvent(), NewEvent()];
            var expected = round % 2 == 0 ? ExpectedRevision.NoStream : ExpectedRevision.Any;
            var results = await Task.WhenAll(
                Task.Run(() => a.AppendToStreamAsync(stream, expected, batch)),
                Task.Run(() => b.AppendToStreamAsync(stream, expected, batch)));

            // Then both succeed, exactly one of them wrote, and both report the same place
            Assert.Single(results, r => !r.AlreadyCommitted);
            Assert.Equal(results[0].LastPosition, results[1].LastPosition);
            Assert.Equal(new StreamRevision(2), results[0].NextExpectedRevision);
            Assert.Equal(new StreamRevision(2), results[1].NextExpectedRevision);

            // and the stream holds the batch once
            var stored = await a.ReadStreamAsync(stream, StreamRevision.Start).ToListAsync();
            Assert.Equal(batch.Select(e => e.EventId), stored.Select(e => e.EventId));
        }

        var log = await b.ReadAllAsync(LogPosition.Start).ToListAsync();
        Assert.Equal(Rounds * 3, log.Count);
    }

    [Fact]
    public async Task a_store_that_meets_the_batch_in_flight_waits_for_it_and_reports_it_already_committed()
    {
        // Given store A has written the batch and holds its transaction open
        var db = await pg.CreateDatabaseAsync("same_batch_in_flight");
        var held = new HeldCommit();
        await using var a = await OpenAsync(db, held.BeforeCommitAsync);
        await using var b = await OpenAsync(db);
        var stream = new StreamName("award-1");
        EventData[] batch = [NewEvent(), NewEvent()];
        held.Arm();
        var fromA = a.AppendToStreamAsync(stream, ExpectedRevision.NoStream, batch);
        await held.Entered.WaitAsync(Patience);

        // When store B sends the same batch: it cannot see A's rows yet, so it tries to insert and the
        // unique index makes it wait for A
        var fromB = b.AppendToStreamAsync(stream, ExpectedRevision.NoStream, batch);
        await UntilASessionWaitsForATransactionAsync(db);
        Assert.False(fromB.IsCompleted);

        // and A commits
        held.Release();
        var resultA = await fromA.WaitAsync(Patience);
        var resultB = await fromB.WaitAsync(Patience);

        // Then B decides again, sees A's commit and succeeds without writing
        Assert.False(resultA.AlreadyCommitted);
        Assert.True(resultB.AlreadyCommitted);
        Assert.Equal(resultA.LastPosition, resultB.LastPosition);
        Assert.Equal(batch.Select(e => e.EventId), (await b.ReadStreamAsync(stream, StreamRevision.Start).ToListAsync()).Select(e => e.EventId));
    }
}

[Collection(PostgresFixture.Collection)]
public sealed class when_another_store_is_committing_the_same_revision(PostgresFixture pg)
{
    [Fact]
    public async Task an_append_expecting_no_stream_is_refused_with_the_revision_that_committed()
    {
        // Given store A has written revision 0 of a stream and holds its transaction open
        var db = await pg.CreateDatabaseAsync("same_revision");
        var held = new HeldCommit();
        await using var a = await OpenAsync(db, held.BeforeCommitAsync);
        await using var b = await OpenAsync(db);
        var stream = new StreamName("member-7");
        held.Arm();
        var fromA = a.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [NewEvent()]);
        await held.Entered.WaitAsync(Patience);

        // When store B appends other events expecting no stream, then A commits
        var fromB = b.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [NewEvent()]);
        await UntilASessionWaitsForATransactionAsync(db);
        held.Release();
        await fromA.WaitAsync(Patience);

        // Then B is refused, naming the revision A committed
        var refused = await Assert.ThrowsAsync<WrongExpectedRevisionException>(() => fromB.WaitAsync(Patience));
        Assert.Equal(new StreamRevision(0), refused.ActualRevision);
        Assert.Single(await b.ReadStreamAsync(stream, StreamRevision.Start).ToListAsync());
    }

    [Fact]
    public async Task an_append_expecting_any_revision_is_written_after_it()
    {
        // Given store A has written revision 0 of a stream and holds its transaction open
        var db = await pg.CreateDatabaseAsync("any_revision");
        var held = new HeldCommit();
        await using var a = await OpenAsync(db, held.BeforeCommitAsync);
        await using var b = await OpenAsync(db);
        var stream = new StreamName("member-8");
        var first = NewEvent();
        var second = NewEvent();
        held.Arm();
        var fromA = a.AppendToStreamAsync(stream, ExpectedRevision.NoStream, [first]);
        await held.Entered.WaitAsync(Patience);

        // When store B appends with ExpectedRevision.Any, then A commits
        var fromB = b.AppendToStreamAsync(stream, ExpectedRevision.Any, [second]);
        await UntilASessionWaitsForATransactionAsync(db);
        held.Release();
        var resultA = await fromA.WaitAsync(Patience);
        var resultB = await fromB.WaitAsync(Patience);

        // Then B's event lands at revision 1, after A's
        Assert.Equal(new StreamRevision(1), resultB.NextExpectedRevision);
        Assert.True(resultA.LastPosition < resultB.LastPosition);
        Assert.Equal([first.EventId, second.EventId],
            (await b.ReadStreamAsync(stream, StreamRevision.Start).ToListAsync()).Select(e => e.EventId));
    }
}
