using PointsEngine.Store.Chain;
using PointsEngine.TestSupport;

namespace PointsEngine.Store.Tests.Chain;

// The formula is public and unkeyed: whoever can write SQL can recompute every hash after an edit. Only a
// head recorded outside the database shows it.
public abstract class when_the_chain_is_rehashed_after_an_edit(ChainBackend backend) : ChainScenario(backend)
{
    public sealed class on_sqlite() : when_the_chain_is_rehashed_after_an_edit(new SqliteChainBackend());

    [Collection(PostgresFixture.Collection)]
    public sealed class on_postgres(PostgresFixture pg) : when_the_chain_is_rehashed_after_an_edit(new PostgresChainBackend(pg));

    [Fact]
    public async Task only_a_recorded_head_reveals_it()
    {
        // Given a head recorded from a clean verify
        var store = await StoreAsync();
        var log = await AppendSampleLogAsync(store, 8);
        var head = await VerifiedHeadAsync(store);

        // When an event is edited and every hash from it on recomputed
        await EditAsync(store, log[3].Position, ChainField.Data);
        await RehashFromAsync(store, log[3].Position);

        // Then the chain alone holds
        Assert.Empty((await VerifyAsync(store)).Breaks);

        // but the recorded head does not
        var broken = Assert.Single((await VerifyAsync(store, head)).Breaks);
        Assert.Equal(ChainDamage.HeadRewritten, broken.Damage);
        AssertNames(log[^1], broken);
    }
}
