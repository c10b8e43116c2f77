using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

// A chain cannot tell a truncated log from a shorter one: every remaining link holds. A head recorded
// earlier, outside the database, can.
public abstract class when_the_newest_events_are_deleted(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_the_newest_events_are_deleted(new SqliteChainBackend());

    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_the_newest_events_are_deleted(new PostgresChainBackend(pg));

    [Fact]
    public async Task the_chain_alone_holds_but_a_recorded_head_names_the_truncation()
    {
        // Given a head recorded from a clean verify
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 6);
        var head = await VerifiedHeadAsync(store);

        // When the two newest events are deleted
        await DeleteAsync(store, log[5].Position);
        await DeleteAsync(store, log[4].Position);

        // Then the remaining chain holds
        Assert.Empty((await VerifyAsync(store)).Breaks);

        // but against the recorded head, verify names the missing head
        var broken = Assert.Single((await VerifyAsync(store, head)).Breaks);
        Assert.Equal(ChainDamage.Truncated, broken.Damage);
        Assert.Equal(log[5].Position, broken.Position);
    }

    [Fact]
    public async Task a_recorded_head_still_reveals_it_after_new_events_are_appended()
    {
        // Given
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 6);
        var head = await VerifiedHeadAsync(store);

        // When the newest events are deleted and new ones appended in their place
        await DeleteAsync(store, log[5].Position);
        await DeleteAsync(store, log[4].Position);
        await AppendSampleLogAsync(store, 4, first: 50);

        // Then the new events chain cleanly onto what is left
        Assert.Empty((await VerifyAsync(store)).Breaks);

        // but the recorded head is gone (PostgreSQL) or holds another event (SQLite reuses the positions)
        var broken = Assert.Single((await VerifyAsync(store, head)).Breaks);
        Assert.Equal(head.Position, broken.Position);
        Assert.Contains(broken.Damage, new[] { ChainDamage.Truncated, ChainDamage.HeadRewritten });
    }
}
