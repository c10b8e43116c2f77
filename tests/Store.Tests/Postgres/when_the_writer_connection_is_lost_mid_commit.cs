using Npgsql;
using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Postgres;

[Collection(PostgresFixture.Collection)]
public sealed class when_the_writer_connection_is_lost_mid_commit(PostgresFixture pg)
{
    [Fact]
    public async Task the_caller_is_told_the_append_lock_is_freed_and_a_retry_succeeds()
    {
        // Given store B holds open a transaction that wrote an event, and store A, sending the same event,
        // waits for it on the unique index while holding the append lock
        var db = await pg.CreateDatabaseAsync("lost_writer");
        var held = new HeldCommit();
        await using var a = await OpenAsync(db);
        await using var b = await OpenAsync(db, held.BeforeCommitAsync);
        var stream = new StreamName("member-3");
        EventData[] batch = [NewEvent()];
        held.Arm();
        var fromB = b.AppendToStreamAsync(stream, ExpectedRevision.NoStream, batch);
        await held.Entered.WaitAsync(Patience);
        var fromA = a.AppendToStreamAsync(stream, ExpectedRevision.NoStream, batch);
        await UntilASessionWaitsForATransactionAsync(db);

        // When A's connection is killed, and B then commits
        await TerminateWaitingSessionAsync(db);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => fromA.WaitAsync(Patience));
        held.Release();
        await fromB.WaitAsync(Patience);

        // Then the append lock died with A's session: a third store appends at once
        await using var c = await OpenAsync(db);
        await c.AppendToStreamAsync(new StreamName("member-4"), ExpectedRevision.NoStream, [NewEvent()]).WaitAsync(Patience);

        // and A reconnects: its retry finds the batch committed by B, stored once
        var retry = await a.AppendToStreamAsync(stream, ExpectedRevision.NoStream, batch).WaitAsync(Patience);
        Assert.True(retry.AlreadyCommitted);
        Assert.Single(await a.ReadStreamAsync(stream, StreamRevision.Start).ToListAsync());
    }

    private static async Task TerminateWaitingSessionAsync(string db)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event = 'transactionid'
            """, c);
        Assert.Equal(1L, await cmd.ExecuteScalarAsync());
    }
}
