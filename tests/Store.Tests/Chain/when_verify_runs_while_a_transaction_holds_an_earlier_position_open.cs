using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;
using static PointsEngine.Store.Tests.Postgres.PostgresScenario;

namespace PointsEngine.Store.Tests.Chain;

// PostgreSQL only: commits happen outside the append lock, so events can be committed behind a transaction
// that holds an earlier position. They cannot be sealed until it ends, and must not look tampered meanwhile.
[Collection(PostgresFixture.Collection)]
public sealed class when_verify_runs_while_a_transaction_holds_an_earlier_position_open(PostgresFixture pg)
{
    [Fact]
    public async Task events_committed_behind_it_are_reported_unsealed_and_are_sealed_once_it_commits()
    {
        // Given two stores on one database; A's transaction takes the next position and stays open
        var db = await pg.CreateDatabaseAsync("chain_held");
        var held = new HeldCommit();
        await using var a = await OpenAsync(db, held.BeforeCommitAsync);
        await using var b = await OpenAsync(db);
        await b.AppendToStreamAsync(new StreamName("seed-1"), ExpectedRevision.NoStream, [NewEvent()]);
        held.Arm();
        var heldAppend = a.AppendToStreamAsync(new StreamName("held-1"), ExpectedRevision.NoStream, [NewEvent()]);
        await held.Entered.WaitAsync(Patience);

        // and B commits three events behind it
        for (var i = 0; i < 3; i++)
            await b.AppendToStreamAsync(new StreamName("later-1"), ExpectedRevision.Any, [NewEvent()]).WaitAsync(Patience);

        // When verify runs
        var during = await b.VerifyChainAsync().WaitAsync(Patience);

        // Then B's three events are unsealed, not broken
        Assert.Empty(during.Breaks);
        Assert.Equal(1, during.EventsChecked);
        Assert.Equal(3, during.EventsUnsealed);

        // When A commits
        held.Release();
        await heldAppend.WaitAsync(Patience);

        // Then every event is sealed and the chain holds, A's event in its place before B's
        var after = await a.VerifyChainAsync().WaitAsync(Patience);
        Assert.Empty(after.Breaks);
        Assert.Equal(5, after.EventsChecked);
        Assert.Equal(0, after.EventsUnsealed);
    }
}
